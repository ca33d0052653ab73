-- wrk script: the reads of the registration-opening surge.
--
--   wrk -t1 -c64 -d20s --timeout 30s -s tools/load/reads.lua http://127.0.0.1:PORT -- READS_FILE RUN_ID MIX
--
-- READS_FILE: one tab-separated line per target: kind, path, bearer token (written by http_load.py):
--   own         GET /api/v1/candidates/{candidateID}                              the candidate's own file (the
--               candidates of writes.lua, whose files change during the run)
--   comparison  GET /api/v1/review/applications/{applicationID}/comparison        a reviewer of the application's site
--   queue       GET /api/v1/review/sites/{siteCode}/queue                          a reviewer of the site (its first
--               page, 100 lines by default)
-- MIX: "own:9,comparison:9,queue:2" — requests of each kind per round of the schedule, interleaved; targets of a
-- kind are taken round-robin.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local kinds = { "own", "comparison", "queue" }

setup = common.setup

local targets = {}
local next_target = {}
local schedule = {}
local sequence = 0
local pending = {}
local run_id = "run"

function init(args)
  run_id = args[2] or run_id
  common.init_stats(kinds)
  for _, kind in ipairs(kinds) do targets[kind], next_target[kind] = {}, 0 end
  for _, row in ipairs(common.read_rows(args[1])) do
    local list = targets[row[1]]
    if list then list[#list + 1] = { path = row[2], token = row[3] } end
  end
  -- The schedule: kinds interleaved by their weights (e.g. own, comparison, own, comparison, queue, ...).
  local weights = {}
  for kind, weight in (args[3] or "own:9,comparison:9,queue:2"):gmatch("(%w+):(%d+)") do
    if #targets[kind] > 0 then weights[kind] = tonumber(weight) end
  end
  local total = 0
  for _, weight in pairs(weights) do total = total + weight end
  local credit = {}
  for i = 1, total do
    local best, best_credit = nil, -1
    for _, kind in ipairs(kinds) do
      if weights[kind] then
        credit[kind] = (credit[kind] or 0) + weights[kind]
        if credit[kind] > best_credit then best, best_credit = kind, credit[kind] end
      end
    end
    credit[best] = credit[best] - total
    schedule[i] = best
  end
  -- Threads start at different points of the target lists.
  for _, kind in ipairs(kinds) do next_target[kind] = (load_thread_id or 0) * 7919 end
end

function request()
  sequence = sequence + 1
  local kind = schedule[(sequence - 1) % #schedule + 1]
  local list = targets[kind]
  next_target[kind] = next_target[kind] + 1
  local target = list[(next_target[kind] - 1) % #list + 1]
  local request_id = run_id .. "-r" .. (load_thread_id or 0) .. "-" .. sequence
  pending[request_id] = { kind = kind, started = common.now_us() }
  return wrk.format("GET", target.path, {
    ["Authorization"] = "Bearer " .. target.token,
    ["X-Request-Id"] = request_id,
  })
end

function response(status, headers, body)
  local request_id = headers["X-Request-Id"] or headers["x-request-id"]
  local entry = request_id and pending[request_id]
  if not entry then
    common.count("unmatched")
    local key = tostring(status)
    load_status[key] = (load_status[key] or 0) + 1
    return
  end
  pending[request_id] = nil
  common.record(entry.kind, status, entry.started)
  if status >= 300 then common.count("failed_" .. entry.kind) end
end

function done(summary, latency, requests)
  common.done("reads", summary, latency, { mix = table.concat(schedule, ",") })
end
