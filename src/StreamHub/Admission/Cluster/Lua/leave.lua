-- A clean stop: this instance's permits, waiters and tenant slots return now rather than at lease expiry.
if redis.call('ZSCORE', K_INST, ME) then reapOne(ME) end
advance()
publishWindow()
return 1
