-- A waiter leaves the line (canceled or timed out), unless it was granted a permit meanwhile.
-- ARGV[4] waiter id. Returns removed (with the retry hint's figures), granted or gone.
local w = ARGV[4]
local rec = getW(w)
if rec then
  delist(w, rec)
  publishWindow()
  return { 'removed', requestedUpTo(rec.r), hold_ms() }
end
if redis.call('HEXISTS', K_HELD, w) == 1 then return { 'granted' } end
return { 'gone' }
