-- A permit now, a rejection (the queue of its tier is full) or a place in the line.
-- ARGV[4] waiter id (also the permit's id), [5] tenant, [6] requested tier, [7] request id.
if not member() then return { 'rejoin' } end
local w, tenant, r, rid = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
reap()
-- Start whoever may start first: then "a free slot and nobody eligible ahead" is just canStart.
advance()
if canStart(r, active()) then
  hold(w, ME, tenant, r, rid)
  publishWindow()
  return { 'granted' }
end
local lim = limits()
if cnt('r' .. r) >= lim.q[r] then
  publishWindow()
  return { 'full', lim.q[r], requestedUpTo(r), hold_ms() }
end
local rec = { i = ME, t = tenant, r = r, e = r, s = redis.call('INCR', K_SEQ), q = NOW, id = rid }
enlist(w, rec)
local position = positionOf(w, rec)
publishWindow()
return { 'queued', position }
