/**
 * One Lua script runs a whole `observe` (or `peek`) atomically inside Redis: late check, expiry,
 * reads, recording, profile update and the idempotency record. It mirrors `SlidingWindows` step
 * for step, so the Redis store keeps the same state as the memory store.
 *
 * Numbers: times, counts and sums are integers below 2^53, exact in Lua's doubles; they are
 * written with `%.0f` (Lua's own number-to-string keeps only 14 digits). Values and coordinates
 * travel as the strings JavaScript made of them, untouched, so they come back exactly.
 *
 * Layout (P = prefix, E = entity as `<byte length>:<id>`):
 * - `P:s:<series>:E` hash: `wm` watermark, `nx` next index, `lo` oldest kept index, and per window j
 *   `hj` head index, `cj` count, `sj` sum, `tj` time of the head entry (−1: not known);
 * - `P:s:<series>:E|e` hash: index → `atMs|value|item`;
 * - `P:s:<series>:E|dj` hash: item → refcount in window j;
 * - `P:s:<series>:E|xj` list: `index|value`, the monotonic deque of window j's maximum;
 * - `P:c:E` hash: the customer's profile; `P:c:E|a` list: `atMs|amount`, newest first;
 * - `P:id:<event id>`: the JSON of the first answer for the event.
 * Every key gets a TTL of the longest window on each write.
 */
export const FEATURE_SCRIPT = `
local mode = ARGV[1]
local prefix = ARGV[2]
local id = ARGV[3]
local t = tonumber(ARGV[4])
local ttl = ARGV[5]
local cap = tonumber(ARGV[6])
local n = tonumber(ARGV[7])

local function fmt(x) return string.format('%.0f', x) end
local function bar(s) return string.find(s, '|', 1, true) end

local idKey = prefix .. ':id:' .. id
local stored = redis.call('GET', idKey)
if stored then return {'dup', stored} end

local probes = {}
local a = 8
for p = 1, n do
  local pr = { series = ARGV[a], key = ARGV[a + 1], record = ARGV[a + 2] == '1', value = ARGV[a + 3],
    item = ARGV[a + 4], member = ARGV[a + 5], windows = {} }
  local nw = tonumber(ARGV[a + 6])
  a = a + 7
  for w = 1, nw do
    pr.windows[w] = { ms = tonumber(ARGV[a]), max = ARGV[a + 1] == '1', distinct = ARGV[a + 2] == '1' }
    a = a + 3
  end
  if pr.key ~= '' then pr.base = prefix .. ':s:' .. pr.series .. ':' .. string.len(pr.key) .. ':' .. pr.key end
  probes[p] = pr
end
local customer = ARGV[a]
local isLogin = ARGV[a + 1] == '1'
local change = ARGV[a + 2]
local lat = ARGV[a + 3]
local lon = ARGV[a + 4]
local histAmount = ARGV[a + 5]
local histMax = tonumber(ARGV[a + 6])
local profileKey = prefix .. ':c:' .. string.len(customer) .. ':' .. customer

local metas = {}
local function meta(pr)
  local m = metas[pr.base]
  if m then return m end
  local raw = redis.call('HGETALL', pr.base)
  m = { exists = #raw > 0, wm = -1, nx = 0, lo = 0 }
  for i = 1, #raw, 2 do m[raw[i]] = tonumber(raw[i + 1]) end
  for j = 1, #pr.windows do
    m['h' .. j] = m['h' .. j] or 0
    m['c' .. j] = m['c' .. j] or 0
    m['s' .. j] = m['s' .. j] or 0
    -- tj caches the time of window j's head entry (-1: not known), so an event that expires
    -- nothing reads no entry.
    if m['t' .. j] == -1 then m['t' .. j] = nil end
  end
  metas[pr.base] = m
  return m
end

local pwm = redis.call('HGET', profileKey, 'wm')
if pwm and tonumber(pwm) > t then return {'late', '-1', pwm} end
for p = 1, n do
  local pr = probes[p]
  if pr.base then
    local m = meta(pr)
    if m.exists and m.wm > t then return {'late', tostring(p - 1), fmt(m.wm)} end
  end
end

local function entry(base, i)
  local s = redis.call('HGET', base .. '|e', fmt(i))
  local x = bar(s)
  local y = string.find(s, '|', x + 1, true)
  return tonumber(string.sub(s, 1, x - 1)), string.sub(s, x + 1, y - 1), string.sub(s, y + 1)
end

local function remove(pr, m, j, i, v, item)
  local win = pr.windows[j]
  m['c' .. j] = m['c' .. j] - 1
  m['s' .. j] = m['s' .. j] - tonumber(v)
  if win.distinct and item ~= '' then
    local dk = pr.base .. '|d' .. j
    if redis.call('HINCRBY', dk, item, -1) <= 0 then redis.call('HDEL', dk, item) end
  end
  if win.max then
    local xk = pr.base .. '|x' .. j
    local front = redis.call('LINDEX', xk, 0)
    if front and tonumber(string.sub(front, 1, bar(front) - 1)) == i then redis.call('LPOP', xk) end
  end
  m['h' .. j] = i + 1
end

local function dropBefore(pr, m, index)
  while m.lo < index do
    redis.call('HDEL', pr.base .. '|e', fmt(m.lo))
    m.lo = m.lo + 1
  end
end

local function expire(pr, m)
  for j = 1, #pr.windows do
    local cutoff = t - pr.windows[j].ms
    while m['h' .. j] < m.nx do
      local i = m['h' .. j]
      local at = m['t' .. j]
      local v, item
      if not at then
        at, v, item = entry(pr.base, i)
        m['t' .. j] = at
      end
      if at > cutoff then break end
      if not v then at, v, item = entry(pr.base, i) end
      remove(pr, m, j, i, v, item)
      m['t' .. j] = nil
    end
  end
  dropBefore(pr, m, m['h' .. #pr.windows])
  if t > m.wm then m.wm = t end
end

-- With alreadyExpired the windows were just expired to t, and the scan for old entries is skipped.
local function read(pr, m, out, alreadyExpired)
  for j = 1, #pr.windows do
    local win = pr.windows[j]
    local cutoff = t - win.ms
    local h = m['h' .. j]
    local c = m['c' .. j]
    local s = m['s' .. j]
    local expired = {}
    while not alreadyExpired and h < m.nx do
      local at, v, item = entry(pr.base, h)
      if at > cutoff then break end
      c = c - 1
      s = s - tonumber(v)
      if win.distinct and item ~= '' then expired[item] = (expired[item] or 0) + 1 end
      h = h + 1
    end
    local d = 0
    local member = 0
    if win.distinct then
      local dk = pr.base .. '|d' .. j
      d = redis.call('HLEN', dk)
      for item, k in pairs(expired) do
        if tonumber(redis.call('HGET', dk, item)) == k then d = d - 1 end
      end
      if pr.member ~= '' then
        local r = tonumber(redis.call('HGET', dk, pr.member) or '0')
        member = r - (expired[pr.member] or 0)
      end
    end
    local mx = '0'
    if win.max then
      local xk = pr.base .. '|x' .. j
      local k = 0
      while true do
        local e = redis.call('LINDEX', xk, k)
        if not e then break end
        local b = bar(e)
        if tonumber(string.sub(e, 1, b - 1)) >= h then
          mx = string.sub(e, b + 1)
          break
        end
        k = k + 1
      end
    end
    out[#out + 1] = fmt(c)
    out[#out + 1] = fmt(s)
    out[#out + 1] = mx
    out[#out + 1] = fmt(d)
    out[#out + 1] = fmt(member)
  end
end

local function zeros(pr, out)
  for j = 1, #pr.windows do
    for k = 1, 5 do out[#out + 1] = '0' end
  end
end

local function record(pr, m)
  local last = #pr.windows
  if m.nx - m['h' .. last] >= cap then
    local o = m['h' .. last]
    local at, v, item = entry(pr.base, o)
    for j = 1, last do
      if m['h' .. j] == o then
        remove(pr, m, j, o, v, item)
        m['t' .. j] = nil
      end
    end
    dropBefore(pr, m, m['h' .. last])
  end
  local i = m.nx
  redis.call('HSET', pr.base .. '|e', fmt(i), fmt(t) .. '|' .. pr.value .. '|' .. pr.item)
  local value = tonumber(pr.value)
  for j = 1, last do
    local win = pr.windows[j]
    if m['h' .. j] == i then m['t' .. j] = t end
    m['c' .. j] = m['c' .. j] + 1
    m['s' .. j] = m['s' .. j] + value
    if win.distinct and pr.item ~= '' then redis.call('HINCRBY', pr.base .. '|d' .. j, pr.item, 1) end
    if win.max then
      local xk = pr.base .. '|x' .. j
      while true do
        local back = redis.call('LINDEX', xk, -1)
        if not back then break end
        if tonumber(string.sub(back, bar(back) + 1)) <= value then redis.call('RPOP', xk) else break end
      end
      redis.call('RPUSH', xk, fmt(i) .. '|' .. pr.value)
    end
  end
  m.nx = i + 1
  if t > m.wm then m.wm = t end
  m.exists = true
  m.recorded = true
end

local function save(pr, m)
  local args = { 'wm', fmt(m.wm), 'nx', fmt(m.nx), 'lo', fmt(m.lo) }
  for j = 1, #pr.windows do
    args[#args + 1] = 'h' .. j
    args[#args + 1] = fmt(m['h' .. j])
    args[#args + 1] = 'c' .. j
    args[#args + 1] = fmt(m['c' .. j])
    args[#args + 1] = 's' .. j
    args[#args + 1] = fmt(m['s' .. j])
    args[#args + 1] = 't' .. j
    args[#args + 1] = fmt(m['t' .. j] or -1)
  end
  redis.call('HSET', pr.base, unpack(args))
  -- A key only expired (nothing added) keeps the TTL its last recording gave it.
  if not m.recorded then return end
  redis.call('PEXPIRE', pr.base, ttl)
  redis.call('PEXPIRE', pr.base .. '|e', ttl)
  for j = 1, #pr.windows do
    if pr.windows[j].distinct then redis.call('PEXPIRE', pr.base .. '|d' .. j, ttl) end
    if pr.windows[j].max then redis.call('PEXPIRE', pr.base .. '|x' .. j, ttl) end
  end
end

local out = { 'ok' }
for p = 1, n do
  local pr = probes[p]
  if pr.base and meta(pr).exists then
    local m = meta(pr)
    if mode == 'o' then expire(pr, m) end
    read(pr, m, out, mode == 'o')
  else
    zeros(pr, out)
  end
end

local names = { 'wm', 'first', 'login', 'pwd', 'phone', 'payee', 'bind', 'gat', 'glat', 'glon' }
local pv = redis.call('HMGET', profileKey, unpack(names))
for i = 1, #names do out[#out + 1] = pv[i] or '' end
local hist = redis.call('LRANGE', profileKey .. '|a', 0, -1)
out[#out + 1] = fmt(#hist)
for i = #hist, 1, -1 do out[#out + 1] = hist[i] end

if mode ~= 'o' then return out end

for p = 1, n do
  local pr = probes[p]
  if pr.base and pr.record then record(pr, meta(pr)) end
end
local saved = {}
for p = 1, n do
  local pr = probes[p]
  if pr.base and not saved[pr.base] and metas[pr.base].exists then
    saved[pr.base] = true
    save(pr, metas[pr.base])
  end
end

local update = { 'wm', fmt(t) }
if not pv[2] then
  update[#update + 1] = 'first'
  update[#update + 1] = fmt(t)
end
if isLogin then
  update[#update + 1] = 'login'
  update[#update + 1] = fmt(t)
end
if change ~= '' then
  update[#update + 1] = change
  update[#update + 1] = fmt(t)
end
if lat ~= '' then
  update[#update + 1] = 'gat'
  update[#update + 1] = fmt(t)
  update[#update + 1] = 'glat'
  update[#update + 1] = lat
  update[#update + 1] = 'glon'
  update[#update + 1] = lon
end
redis.call('HSET', profileKey, unpack(update))
redis.call('PEXPIRE', profileKey, ttl)
if histAmount ~= '' then
  redis.call('LPUSH', profileKey .. '|a', fmt(t) .. '|' .. histAmount)
  redis.call('LTRIM', profileKey .. '|a', 0, histMax - 1)
  redis.call('PEXPIRE', profileKey .. '|a', ttl)
end
redis.call('SET', idKey, cjson.encode(out), 'PX', ttl)
return out
`;
