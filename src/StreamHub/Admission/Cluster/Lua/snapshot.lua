-- The pool, the queues and every waiter and permit holder, after aging. ARGV[4] most waiters listed.
if not limits() then return { 'rejoin' } end
advance()
publishWindow()
local lim = limits()
local out = { 'ok', lim.pool, lim.bpl, redis.call('HLEN', K_HELD), reserved(), redis.call('ZCARD', K_INST),
  cnt('r0'), cnt('r1'), cnt('r2'), cnt('r3') }
local line = window(tonumber(ARGV[4]))
out[#out + 1] = #line
for _, w in ipairs(line) do
  local rec = getW(w)
  out[#out + 1] = w
  out[#out + 1] = rec.i
  out[#out + 1] = rec.t
  out[#out + 1] = rec.id
  out[#out + 1] = rec.r
  out[#out + 1] = rec.e
  out[#out + 1] = NOW - rec.q
end
local held = redis.call('HGETALL', K_HELD)
out[#out + 1] = #held / 2
for i = 1, #held, 2 do
  local rec = cjson.decode(held[i + 1])
  out[#out + 1] = rec.i
  out[#out + 1] = rec.t
  out[#out + 1] = rec.id
  out[#out + 1] = rec.p
  out[#out + 1] = NOW - rec.s
end
return out
