-- A tenant's request, tokens and concurrency slot from its cluster-wide budget, as TenantLimits: fixed
-- one-minute windows that start with the first request after the last one ended; nothing is charged on
-- rejection. ARGV[4] lease id, [5] tenant, [6] requests/min, [7] tokens/min, [8] streams (-1: none),
-- [9] estimated tokens. Returns ok with the window id, or the reason (c, r, t) and the retry hint (ms).
if not member() then return { 'rejoin' } end
local id, tenant = ARGV[4], ARGV[5]
local rpm, tpm, streams, estimate = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local h = kTen(tenant)
local v = redis.call('HMGET', h, 'ws', 'wid', 'req', 'tok', 'act')
local ws, wid, req, tok, act = tonumber(v[1]), tonumber(v[2] or '0'), tonumber(v[3] or '0'), tonumber(v[4] or '0'), tonumber(v[5] or '0')
if not ws or NOW - ws >= 60000 then
  ws, wid, req, tok = NOW, wid + 1, 0, 0
end
local left = 60000 - (NOW - ws)
local retry, reason = 0, nil
if streams >= 0 and act >= streams then retry, reason = 1000, 'c' end
if rpm >= 0 and req >= rpm and left > retry then retry, reason = left, 'r' end
if tpm >= 0 and tok > 0 and (tok >= tpm or tok + estimate > tpm) and left > retry then retry, reason = left, 't' end
if reason then
  redis.call('HSET', h, 'ws', ws, 'wid', wid, 'req', req, 'tok', tok, 'act', act)
  if act == 0 then redis.call('PEXPIRE', h, 120000) end
  return { reason, retry }
end
redis.call('HSET', h, 'ws', ws, 'wid', wid, 'req', req + 1, 'tok', tok + estimate, 'act', act + 1)
redis.call('PERSIST', h)
redis.call('HSET', K_TL, id, cjson.encode({ i = ME, t = tenant, w = wid, c = estimate }))
redis.call('SADD', kI(ME, 'ten'), id)
return { 'ok', wid }
