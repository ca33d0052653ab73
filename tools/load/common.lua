-- Shared by writes.lua and reads.lua (loaded with dofile from the directory in wrk's first script argument).
-- Per-kind latency is timed here (monotonic clock through LuaJIT's ffi) from the moment wrk asks for the request to
-- the moment its response is parsed; requests and responses are matched by the X-Request-Id the server echoes,
-- since wrk's response() does not say which request (or connection) it answers.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clock_id, load_timespec *tp);
]]
local timespec = ffi.new("load_timespec")

local M = {}

-- Microseconds on CLOCK_MONOTONIC.
function M.now_us()
  ffi.C.clock_gettime(1, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

-- Tab-separated lines of a file, as arrays of fields.
function M.read_rows(path)
  local rows = {}
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    if line ~= "" then
      local fields = {}
      for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
      rows[#rows + 1] = fields
    end
  end
  file:close()
  return rows
end

-- Index round((n - 1) * q) of the sorted samples (the same rank as RegistrarBench's Latency).
local function percentile(sorted, q)
  if #sorted == 0 then return 0 end
  return sorted[math.floor((#sorted - 1) * q + 0.5) + 1]
end
M.percentile = percentile

-- A minimal JSON encoder for the done() line: tables with string keys are objects, others arrays.
local function encode(value)
  local kind = type(value)
  if kind == "number" then
    if value ~= value or value == math.huge or value == -math.huge then return "null" end
    if value == math.floor(value) and math.abs(value) < 1e15 then return string.format("%d", value) end
    return string.format("%.3f", value)
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "table" then
    local keys = {}
    for k in pairs(value) do keys[#keys + 1] = k end
    if #keys > 0 and type(keys[1]) == "string" then
      table.sort(keys)
      local parts = {}
      for _, k in ipairs(keys) do parts[#parts + 1] = encode(tostring(k)) .. ":" .. encode(value[k]) end
      return "{" .. table.concat(parts, ",") .. "}"
    end
    local parts = {}
    for _, v in ipairs(value) do parts[#parts + 1] = encode(v) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  return "null"
end
M.encode = encode

-- The per-thread statistics are globals of each thread's Lua state (thread:get copies them into done()):
--   load_status[code] = n; load_kind_ok[kind] = n; load_kind_failed[kind] = n; load_lat_<kind> = {µs, ...};
--   load_counters[name] = n.
function M.init_stats(kinds)
  load_status = {}
  load_kind_ok = {}
  load_kind_failed = {}
  load_counters = { unmatched = 0 }
  load_kinds = {}
  for i, kind in ipairs(kinds) do
    load_kinds[i] = kind
    load_kind_ok[kind] = 0
    load_kind_failed[kind] = 0
    _G["load_lat_" .. kind] = {}
  end
end

function M.count(name, n)
  load_counters[name] = (load_counters[name] or 0) + (n or 1)
end

function M.record(kind, status, started)
  local key = tostring(status)
  load_status[key] = (load_status[key] or 0) + 1
  if status >= 200 and status < 300 then
    load_kind_ok[kind] = load_kind_ok[kind] + 1
    local samples = _G["load_lat_" .. kind]
    samples[#samples + 1] = M.now_us() - started
  else
    load_kind_failed[kind] = load_kind_failed[kind] + 1
  end
end

-- Threads, collected in setup() so that done() can read their statistics.
M.threads = {}

function M.setup(thread)
  local id = #M.threads
  thread:set("load_thread_id", id)
  M.threads[#M.threads + 1] = thread
end

-- One JSON line on standard output, prefixed "LOAD-JSON " for the orchestrator.
function M.done(name, summary, latency, extra)
  local status, ok, failed, counters, samples = {}, {}, {}, {}, {}
  local kinds = {}
  for _, thread in ipairs(M.threads) do
    for k, v in pairs(thread:get("load_status") or {}) do status[k] = (status[k] or 0) + v end
    for k, v in pairs(thread:get("load_kind_ok") or {}) do ok[k] = (ok[k] or 0) + v end
    for k, v in pairs(thread:get("load_kind_failed") or {}) do failed[k] = (failed[k] or 0) + v end
    for k, v in pairs(thread:get("load_counters") or {}) do counters[k] = (counters[k] or 0) + v end
    for _, kind in ipairs(thread:get("load_kinds") or {}) do
      kinds[kind] = true
      samples[kind] = samples[kind] or {}
      for _, v in ipairs(thread:get("load_lat_" .. kind) or {}) do samples[kind][#samples[kind] + 1] = v end
    end
  end
  local per_kind = {}
  for kind in pairs(kinds) do
    local sorted = samples[kind]
    table.sort(sorted)
    per_kind[kind] = {
      ok = ok[kind] or 0,
      failed = failed[kind] or 0,
      p50_us = percentile(sorted, 0.50),
      p99_us = percentile(sorted, 0.99),
      max_us = sorted[#sorted] or 0,
    }
  end
  local out = {
    name = name,
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    errors = {
      connect = summary.errors.connect,
      read = summary.errors.read,
      write = summary.errors.write,
      status = summary.errors.status,
      timeout = summary.errors.timeout,
    },
    statuses = status,
    counters = counters,
    kinds = per_kind,
    latency_us = {
      mean = latency.mean,
      p50 = latency:percentile(50),
      p90 = latency:percentile(90),
      p99 = latency:percentile(99),
      max = latency.max,
    },
  }
  for k, v in pairs(extra or {}) do out[k] = v end
  io.write("LOAD-JSON " .. encode(out) .. "\n")
end

return M
