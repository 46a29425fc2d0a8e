-- Shared by every cluster admission script. KEYS[1] is the base key, a hash tag ("{prefix:admission}"), so
-- every key below lives in one slot. ARGV[1] is the channel base (SE.Redis's channel prefix included),
-- ARGV[2] this instance's id, ARGV[3] the epoch it joined. Time is Redis server time, in milliseconds.
-- The queue mirrors AdmissionQueue: per effective tier a ring of tenants (a list whose head is the cursor),
-- per (tier, tenant) a FIFO by arrival seq, and per (tier, requested tier) an age list for aging.
local B = KEYS[1]

-- Every key a script writes expires (Redis keys always expire, so an instance killed mid-request leaves nothing
-- behind for ever): writes are noted here, and the epilogue gives each written key the cluster's keep time unless it
-- has an expiry of its own, and lists it in K_KEYS, whose keys every heartbeat renews.
local R = redis
local WRITES = { HSET = true, HSETNX = true, HINCRBY = true, SADD = true, ZADD = true, RPUSH = true, LMOVE = true, SET = true, INCR = true, PERSIST = true }
local WRITTEN = {}
local redis = { call = function(...)
  local cmd, key = ...
  if WRITES[cmd] then WRITTEN[key] = true end
  return R.call(...)
end }

local CH = ARGV[1]
local ME = ARGV[2]
local EPOCH = ARGV[3]
local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local K_EPOCH = B .. ':epoch'
local K_LIM = B .. ':lim'
local K_INST = B .. ':inst'
local K_HELD = B .. ':held'
local K_W = B .. ':w'
local K_CNT = B .. ':cnt'
local K_SEQ = B .. ':seq'
local K_SETTLE = B .. ':settle'
local K_SEEN = B .. ':seen'
local K_STAT = B .. ':stat'
local K_TL = B .. ':tl'
local K_RES = B .. ':res'
local K_RESOWN = B .. ':resown'
local K_ORPH = B .. ':orph'
local K_KEYS = B .. ':keys'

local function kRing(t) return B .. ':ring:' .. t end
local function kTq(t, tenant) return B .. ':tq:' .. t .. ':' .. tenant end
local function kAge(t, r) return B .. ':age:' .. t .. ':' .. r end
local function kI(id, what) return B .. ':i:' .. id .. ':' .. what end
local function kTen(tenant) return B .. ':ten:' .. tenant end

local changed = false
local L = false

-- The cluster's limits (written at the first join, changed by PUT /admin/limits); nil when the state is gone.
local function limits()
  if L == false then
    local v = redis.call('HMGET', K_LIM, 'pool', 'bpl', 'q0', 'q1', 'q2', 'q3', 'wait', 'age', 'exp', 'lease', 'bp')
    if not v[1] then
      L = nil
    else
      local pool, exp = tonumber(v[1]), tonumber(v[9])
      L = {
        pool = pool, bpl = tonumber(v[2]),
        q = { [0] = tonumber(v[3]), tonumber(v[4]), tonumber(v[5]), tonumber(v[6]) },
        wait = tonumber(v[7]), age = tonumber(v[8]), exp = exp, lease = tonumber(v[10]), bp = v[11],
        fb = math.max(1, math.floor(pool / exp)),
      }
    end
  end
  return L
end

local function member()
  return redis.call('GET', K_EPOCH) == EPOCH and redis.call('ZSCORE', K_INST, ME) and limits()
end

local function cnt(field) return tonumber(redis.call('HGET', K_CNT, field) or '0') end

local function hold_ms() return math.floor(tonumber(redis.call('HGET', K_STAT, 'hold') or '1000')) end

local function requestedUpTo(r)
  local n = 0
  for i = 0, r do n = n + cnt('r' .. i) end
  return n
end

-- Switch-back bound: while a settle window runs (after a Redis outage, or on a fresh state), every expected
-- instance not yet heard from keeps its fallback share reserved, since it may still be admitting on its own.
local function reserved()
  local untilMs = tonumber(redis.call('HGET', K_SETTLE, 'until') or '0')
  if NOW >= untilMs then return 0 end
  local lim = limits()
  local missing = lim.exp - redis.call('SCARD', K_SEEN)
  if missing <= 0 then return 0 end
  return missing * lim.fb
end

local function seen()
  if NOW < tonumber(redis.call('HGET', K_SETTLE, 'until') or '0') then redis.call('SADD', K_SEEN, ME) end
end

local function startSettle(ms)
  if NOW < tonumber(redis.call('HGET', K_SETTLE, 'until') or '0') then return end
  redis.call('DEL', K_SEEN)
  redis.call('HSET', K_SETTLE, 'until', NOW + ms)
  redis.call('PEXPIRE', K_SETTLE, ms * 2)
end

local function canStart(tier, active)
  local lim = limits()
  return active < lim.pool and (tier == 0 or active < lim.bpl)
end

local function active() return redis.call('HLEN', K_HELD) + reserved() end

local function getW(w)
  local v = redis.call('HGET', K_W, w)
  if v then return cjson.decode(v) end
  return nil
end

local function toTier(w, rec, tier)
  local tq = kTq(tier, rec.t)
  -- A tenant new to the tier joins the ring just before the cursor: its turn comes after everyone's.
  if redis.call('EXISTS', tq) == 0 then redis.call('RPUSH', kRing(tier), rec.t) end
  redis.call('ZADD', tq, rec.s, w)
  redis.call('HINCRBY', K_CNT, 'e' .. tier, 1)
  rec.e = tier
end

local function fromTier(w, rec)
  local tq = kTq(rec.e, rec.t)
  redis.call('ZREM', tq, w)
  if redis.call('EXISTS', tq) == 0 then redis.call('LREM', kRing(rec.e), 1, rec.t) end
  redis.call('HINCRBY', K_CNT, 'e' .. rec.e, -1)
end

local function enlist(w, rec)
  toTier(w, rec, rec.r)
  redis.call('ZADD', kAge(rec.r, rec.r), rec.s, w)
  redis.call('HINCRBY', K_CNT, 'r' .. rec.r, 1)
  redis.call('HINCRBY', K_CNT, 'n', 1)
  redis.call('SADD', kI(rec.i, 'wait'), w)
  redis.call('HSET', K_W, w, cjson.encode(rec))
  changed = true
end

local function delist(w, rec)
  redis.call('ZREM', kAge(rec.e, rec.r), w)
  fromTier(w, rec)
  redis.call('HINCRBY', K_CNT, 'r' .. rec.r, -1)
  redis.call('HINCRBY', K_CNT, 'n', -1)
  redis.call('SREM', kI(rec.i, 'wait'), w)
  redis.call('HDEL', K_W, w)
  changed = true
end

local function hold(id, owner, tenant, prio, requestId)
  redis.call('HSET', K_HELD, id, cjson.encode({ i = owner, t = tenant, p = prio, id = requestId, s = NOW }))
  redis.call('SADD', kI(owner, 'held'), id)
  redis.call('HINCRBY', K_STAT, 'granted', 1)
end

-- Returns a permit; a running average of how long permits are held sizes the retry hints.
local function unhold(id, timed)
  local v = redis.call('HGET', K_HELD, id)
  if not v then return false end
  local rec = cjson.decode(v)
  redis.call('HDEL', K_HELD, id)
  redis.call('SREM', kI(rec.i, 'held'), id)
  if timed then
    local avg = tonumber(redis.call('HGET', K_STAT, 'hold') or '1000')
    redis.call('HSET', K_STAT, 'hold', avg + ((NOW - rec.s) - avg) / 8)
  end
  return true
end

-- Aging, as AdmissionQueue.Promote: the oldest waiter that earned a better tier moves first, until none.
local function promote()
  local lim = limits()
  while true do
    local best, bestRec, bestTarget, bestSeq = nil, nil, nil, nil
    for r = 1, 3 do
      for tier = 1, r do
        local head = redis.call('ZRANGE', kAge(tier, r), 0, 0, 'WITHSCORES')
        if head[1] then
          local seq = tonumber(head[2])
          if not best or seq < bestSeq then
            local rec = getW(head[1])
            local target = r - math.min(math.floor((NOW - rec.q) / lim.age), r)
            if target < tier then best, bestRec, bestTarget, bestSeq = head[1], rec, target, seq end
          end
        end
      end
    end
    if not best then return end
    redis.call('ZREM', kAge(bestRec.e, bestRec.r), best)
    fromTier(best, bestRec)
    toTier(best, bestRec, bestTarget)
    redis.call('ZADD', kAge(bestTarget, bestRec.r), bestSeq, best)
    redis.call('HSET', K_W, best, cjson.encode(bestRec))
    changed = true
  end
end

-- Strict tiers: the best tier anyone waits in, if its waiter may start now; -1 otherwise.
local function nextTier(held)
  for tier = 0, 3 do
    if cnt('e' .. tier) > 0 then
      if canStart(tier, held) then return tier end
      return -1
    end
  end
  return -1
end

local function grant(w, rec)
  delist(w, rec)
  hold(w, rec.i, rec.t, rec.r, rec.id)
  redis.call('PUBLISH', CH .. rec.i, 'g|' .. w)
end

-- Ages the line, then starts as many as the rule allows, each the one whose turn it is (the tenant at the
-- ring's head; the turn passes to the next tenant).
local function advance()
  if not limits() or cnt('n') == 0 then return end
  promote()
  while true do
    local tier = nextTier(active())
    if tier < 0 then return end
    local ring = kRing(tier)
    local tenant = redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
    local w = redis.call('ZRANGE', kTq(tier, tenant), 0, 0)[1]
    grant(w, getW(w))
  end
end

-- The first `limit` waiters in start order (tiers best first, tenants round-robin from the cursor, each
-- tenant oldest first), as StartOrder.Walk.
local function window(limit)
  local out = {}
  for t = 0, 3 do
    if #out >= limit then break end
    local members = redis.call('LRANGE', kRing(t), 0, limit - 1)
    local round = 0
    while #members > 0 and #out < limit do
      local kept = {}
      for _, tenant in ipairs(members) do
        local w = redis.call('ZRANGE', kTq(t, tenant), round, round)[1]
        if w then
          out[#out + 1] = w
          kept[#kept + 1] = tenant
          if #out >= limit then break end
        end
      end
      members = kept
      round = round + 1
    end
  end
  return out
end

-- A waiter's place by counting, as StartOrder.PositionOf.
local function positionOf(w, rec)
  local pos = 1
  for t = 0, rec.e - 1 do pos = pos + cnt('e' .. t) end
  local index = redis.call('ZRANK', kTq(rec.e, rec.t), w)
  local before = true
  for _, tenant in ipairs(redis.call('LRANGE', kRing(rec.e), 0, -1)) do
    if tenant == rec.t then
      before = false
      pos = pos + index
    else
      local n = redis.call('ZCARD', kTq(rec.e, tenant))
      pos = pos + math.min(n, before and index + 1 or index)
    end
  end
  return pos
end

-- Every instance hears the first 100 positions after a change to the line (Queued callbacks).
local function publishWindow()
  if changed and cnt('n') > 0 then
    redis.call('PUBLISH', CH .. 'all', 'p|' .. table.concat(window(100), ','))
  end
end

local function releaseTenantLease(id)
  local v = redis.call('HGET', K_TL, id)
  if not v then return nil end
  local rec = cjson.decode(v)
  redis.call('HDEL', K_TL, id)
  redis.call('SREM', kI(rec.i, 'ten'), id)
  local h = kTen(rec.t)
  if redis.call('HINCRBY', h, 'act', -1) <= 0 then
    redis.call('HSET', h, 'act', 0)
    redis.call('PEXPIRE', h, 120000)
  end
  return rec
end

-- Lease expiry: a dead instance's permits, waiters and tenant slots return; its resumable requests become
-- orphans for a survivor to finish.
local function reapOne(id)
  redis.call('ZREM', K_INST, id)
  for _, p in ipairs(redis.call('SMEMBERS', kI(id, 'held'))) do unhold(p, false) end
  redis.call('DEL', kI(id, 'held'))
  for _, w in ipairs(redis.call('SMEMBERS', kI(id, 'wait'))) do
    local rec = getW(w)
    if rec then delist(w, rec) end
  end
  redis.call('DEL', kI(id, 'wait'))
  for _, l in ipairs(redis.call('SMEMBERS', kI(id, 'ten'))) do releaseTenantLease(l) end
  redis.call('DEL', kI(id, 'ten'))
  local orphans = redis.call('SMEMBERS', kI(id, 'res'))
  for _, r in ipairs(orphans) do
    redis.call('RPUSH', K_ORPH, r)
    redis.call('HDEL', K_RESOWN, r)
  end
  redis.call('DEL', kI(id, 'res'))
  redis.call('PUBLISH', CH .. 'all', 'r|' .. #orphans .. '|' .. id)
end

local function reap()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', K_INST, '-inf', NOW, 'LIMIT', 0, 16)) do
    if id ~= ME then reapOne(id) end
  end
end

local function limitValues()
  return redis.call('HMGET', K_LIM, 'pool', 'bp', 'q0', 'q1', 'q2', 'q3', 'wait', 'age')
end

-- How long the cluster's keys outlive the last heartbeat: a few leases (a minute when the state is gone).
local function keepMs()
  local lim = limits()
  if lim then return lim.lease * 3 end
  return 60000
end

-- The epilogue of every script: each key it wrote expires, and is listed for the heartbeats to renew.
local function expireWritten()
  local keep = keepMs()
  local any = false
  for key in pairs(WRITTEN) do
    R.call('PEXPIRE', key, keep, 'NX')
    R.call('SADD', K_KEYS, key)
    any = true
  end
  if any then R.call('PEXPIRE', K_KEYS, keep) end
end

-- A heartbeat renews every listed key to the keep time (never shortening a longer expiry of its own) and
-- forgets the keys that are gone.
local function renewKeys()
  local keep = keepMs()
  for _, key in ipairs(R.call('SMEMBERS', K_KEYS)) do
    local ttl = R.call('PTTL', key)
    if ttl == -2 then
      R.call('SREM', K_KEYS, key)
    elseif ttl < keep then
      R.call('PEXPIRE', key, keep)
    end
  end
  R.call('PEXPIRE', K_KEYS, keep)
end
