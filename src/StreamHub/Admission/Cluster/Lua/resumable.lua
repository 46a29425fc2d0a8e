-- Records (ARGV[5] = record) or forgets (ARGV[5] = '') a resumable request run by this instance, so that a
-- survivor can finish it if this instance dies. ARGV[4] request id.
local id = ARGV[4]
if ARGV[5] ~= '' then
  if not member() then return 0 end
  redis.call('HSET', K_RES, id, ARGV[5])
  redis.call('HSET', K_RESOWN, id, ME)
  redis.call('SADD', kI(ME, 'res'), id)
  return 1
end
if redis.call('HGET', K_RESOWN, id) == ME then
  redis.call('HDEL', K_RES, id)
  redis.call('HDEL', K_RESOWN, id)
  redis.call('SREM', kI(ME, 'res'), id)
end
return 1
