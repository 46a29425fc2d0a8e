-- A survivor takes over the next orphan (a resumable request whose instance died): it becomes its owner,
-- so that it too is handed on if this instance dies. Returns the request id and record, or nothing.
if not member() then return {} end
while true do
  local id = redis.call('LPOP', K_ORPH)
  if not id then return {} end
  local record = redis.call('HGET', K_RES, id)
  if record and not redis.call('HGET', K_RESOWN, id) then
    redis.call('HSET', K_RESOWN, id, ME)
    redis.call('SADD', kI(ME, 'res'), id)
    return { id, record }
  end
end
