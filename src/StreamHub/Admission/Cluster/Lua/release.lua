-- A permit comes back; whoever may start now does. ARGV[4] permit id.
local found = unhold(ARGV[4], true)
advance()
publishWindow()
if found then return 1 end
return 0
