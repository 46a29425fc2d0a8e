-- (Re)joins the cluster with exactly what this instance holds: after start-up, after Redis was unreachable,
-- after its lease expired, or when Redis lost its state. Idempotent. In full mode it also drops whatever
-- Redis still lists for this instance but the instance no longer has; in add mode it only adds.
-- ARGV[4] lease deadline from now (ms), [5] '1' after an outage (starts a settle window), [6] a new epoch
-- id for a fresh state, [7] '1' full / '0' add, [8..18] the limits a fresh state starts with (pool, bpl,
-- bp, q0..q3, wait, age, exp, lease), [19..22] counts of permits, waiters, tenant leases and resumable
-- requests, then the items: permit (id, tenant, tier, request id), waiter (id), tenant lease (id, tenant,
-- window id, tokens charged), resumable (id, record).
local epoch = redis.call('GET', K_EPOCH)
local fresh = not epoch
if fresh then
  epoch = ARGV[6]
  redis.call('SET', K_EPOCH, epoch, 'PX', tonumber(ARGV[18]) * 3)
end
if redis.call('EXISTS', K_LIM) == 0 then
  redis.call('HSET', K_LIM, 'pool', ARGV[8], 'bpl', ARGV[9], 'bp', ARGV[10], 'q0', ARGV[11], 'q1', ARGV[12],
    'q2', ARGV[13], 'q3', ARGV[14], 'wait', ARGV[15], 'age', ARGV[16], 'exp', ARGV[17], 'lease', ARGV[18])
  redis.call('PEXPIRE', K_LIM, tonumber(ARGV[18]) * 3)
  L = false
end
local lim = limits()
if fresh or ARGV[5] == '1' then startSettle(lim.lease) end
redis.call('ZADD', K_INST, NOW + tonumber(ARGV[4]), ME)
seen()
reap()
local full = ARGV[7] == '1'
local nP, nW, nT, nR = tonumber(ARGV[19]), tonumber(ARGV[20]), tonumber(ARGV[21]), tonumber(ARGV[22])
local a = 23
local keep = {}
for _ = 1, nP do
  local id = ARGV[a]
  keep[id] = true
  if redis.call('HEXISTS', K_HELD, id) == 0 then hold(id, ME, ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3]) end
  a = a + 4
end
local waiters = {}
for _ = 1, nW do
  waiters[#waiters + 1] = ARGV[a]
  keep[ARGV[a]] = true
  a = a + 1
end
local leases = {}
for _ = 1, nT do
  local id = ARGV[a]
  leases[id] = true
  if redis.call('HEXISTS', K_TL, id) == 0 then
    local tenant = ARGV[a + 1]
    redis.call('HSET', K_TL, id, cjson.encode({ i = ME, t = tenant, w = tonumber(ARGV[a + 2]), c = tonumber(ARGV[a + 3]) }))
    redis.call('SADD', kI(ME, 'ten'), id)
    redis.call('HINCRBY', kTen(tenant), 'act', 1)
    redis.call('PERSIST', kTen(tenant))
  end
  a = a + 4
end
local requests = {}
for _ = 1, nR do
  local id = ARGV[a]
  local owner = redis.call('HGET', K_RESOWN, id)
  -- Still running here: an orphan nobody claimed yet comes back; one a survivor took over stays the survivor's.
  if not owner or owner == ME then
    requests[id] = true
    redis.call('LREM', K_ORPH, 0, id)
    redis.call('HSETNX', K_RES, id, ARGV[a + 1])
    redis.call('HSET', K_RESOWN, id, ME)
    redis.call('SADD', kI(ME, 'res'), id)
  end
  a = a + 2
end
local granted, lost = {}, {}
if full then
  for _, id in ipairs(redis.call('SMEMBERS', kI(ME, 'held'))) do
    if not keep[id] then unhold(id, false) end
  end
  for _, w in ipairs(redis.call('SMEMBERS', kI(ME, 'wait'))) do
    if not keep[w] then
      local rec = getW(w)
      if rec then delist(w, rec) end
    end
  end
  for _, w in ipairs(waiters) do
    if redis.call('HEXISTS', K_HELD, w) == 1 then
      granted[#granted + 1] = w
    elseif redis.call('HEXISTS', K_W, w) == 0 then
      lost[#lost + 1] = w
    end
  end
  for _, id in ipairs(redis.call('SMEMBERS', kI(ME, 'ten'))) do
    if not leases[id] then releaseTenantLease(id) end
  end
  for _, id in ipairs(redis.call('SMEMBERS', kI(ME, 'res'))) do
    if not requests[id] then
      redis.call('HDEL', K_RES, id)
      redis.call('HDEL', K_RESOWN, id)
      redis.call('SREM', kI(ME, 'res'), id)
    end
  end
end
advance()
publishWindow()
local out = { epoch, #granted }
for _, w in ipairs(granted) do out[#out + 1] = w end
out[#out + 1] = #lost
for _, w in ipairs(lost) do out[#out + 1] = w end
for _, v in ipairs(limitValues()) do out[#out + 1] = v end
return out
