-- PUT /admin/limits: the cluster's limits change; held permits stay held, waiters start if they now may.
-- ARGV[4..11] pool, backpressure limit, threshold, q0..q3, max queue wait (ms), aging interval (ms).
if not limits() then return 0 end
redis.call('HSET', K_LIM, 'pool', ARGV[4], 'bpl', ARGV[5], 'bp', ARGV[6], 'q0', ARGV[7], 'q1', ARGV[8],
  'q2', ARGV[9], 'q3', ARGV[10], 'wait', ARGV[11], 'age', ARGV[12])
L = false
advance()
publishWindow()
redis.call('PUBLISH', CH .. 'all', 'l|')
return 1
