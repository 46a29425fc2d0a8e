-- Lease renewal, lease expiry of others, and promotion (aging, and starting whoever may start).
-- ARGV[4] lease deadline from now (ms).
if not member() then return { 'rejoin' } end
redis.call('ZADD', K_INST, NOW + tonumber(ARGV[4]), ME)
seen()
-- The epoch and limits outlive the instances by a few leases, so a cluster started later reads its settings.
local keep = limits().lease * 3
redis.call('PEXPIRE', K_EPOCH, keep)
redis.call('PEXPIRE', K_LIM, keep)
renewKeys()
reap()
advance()
publishWindow()
local out = { 'ok', redis.call('SCARD', kI(ME, 'wait')), redis.call('LLEN', K_ORPH) }
for _, v in ipairs(limitValues()) do out[#out + 1] = v end
return out
