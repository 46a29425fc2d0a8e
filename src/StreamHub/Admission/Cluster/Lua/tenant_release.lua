-- A tenant's request ends (ARGV[9] = '1') and/or reports its real usage (ARGV[8] >= 0). Inside the window it
-- was charged in, the difference applies either way; after that window only an overrun is charged.
-- ARGV[4] lease id, [5] tenant, [6] window id, [7] tokens charged, [8] actual tokens or -1, [9] release.
local id, tenant, wid, charged, actual = ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local h = kTen(tenant)
if actual >= 0 then
  local v = redis.call('HMGET', h, 'ws', 'wid', 'tok')
  local ws, current, tok = tonumber(v[1]), tonumber(v[2] or '0'), tonumber(v[3] or '0')
  if not ws or NOW - ws >= 60000 then
    -- As TenantState.Roll: the correction starts a fresh window, which is charged only an overrun.
    ws, current, tok = NOW, current + 1, 0
    redis.call('HSET', h, 'ws', ws, 'wid', current, 'req', 0, 'tok', 0)
  end
  local difference = actual - charged
  if current == wid then
    redis.call('HSET', h, 'tok', math.max(0, tok + difference))
  elseif difference > 0 then
    redis.call('HSET', h, 'tok', tok + difference)
  end
  if tonumber(redis.call('HGET', h, 'act') or '0') <= 0 then redis.call('PEXPIRE', h, 120000) end
end
if ARGV[9] == '1' then releaseTenantLease(id) end
return 1
