-- wrk script: candidates filling in their file and applying during the registration-opening surge.
--
--   wrk -t1 -c64 -d20s --timeout 30s -s tools/load/writes.lua http://127.0.0.1:PORT -- CANDIDATES_FILE RUN_ID
--
-- CANDIDATES_FILE: one tab-separated line per logged-in candidate: candidateID, bearer token, exam code, area code,
-- site code, number (written by http_load.py). Each candidate goes round a cycle of six commands, one request at a
-- time (a candidate never has two requests in flight; candidates are taken from a ready queue, so there must be
-- more candidates than connections):
--
--   contact     PUT  /api/v1/candidates/{id}/contact            ContactDetailsUpdated                 (1 event)
--   education   POST /api/v1/candidates/{id}/education          EducationEntryAdded                   (1 event)
--   work        PUT  /api/v1/candidates/{id}/work               WorkDetailsUpdated                    (1 event)
--   submit      POST /api/v1/candidates/{id}/applications       ApplicationSubmitted + EntryLocked    (2 events)
--   abandon     POST …/applications/{applicationID}/abandon     ApplicationAbandoned + EntryUnlocked  (2 events)
--   remove      DELETE …/education/{entryID}                    EducationEntryRemoved                 (1 event)
--
-- i.e. 重新报考: submit, abandon, correct the entry (remove it, add it again), submit again. Bodies change with
-- every request (the mobile number, the address's room, the work unit's department, the enrolment year...), every
-- request has its own Idempotency-Key, and a 2xx whose reply lists no appended event is counted as "noop" (the
-- orchestrator also counts the events in the log). A candidate whose command is refused is set aside into
-- contact/work updates only ("broken"), since its cycle no longer knows its entry or application.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local kinds = { "contact", "education", "work", "submit", "abandon", "remove" }

setup = common.setup

-- A 20 KB "JPEG": its structure (SOI, APP0, SOF0 200 x 150, SOS), 20 KB of scan data, EOI; the server checks the
-- structure and the size against the season's 30 KB limit.
local function photo_base64()
  local bytes = {
    string.char(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10), "JFIF", string.char(0, 1, 1, 0, 0, 1, 0, 1, 0, 0),
    string.char(0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0xC8, 0x00, 0x96, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01),
    string.char(0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00),
  }
  local state = 12345
  for i = 1, 20 * 1024 - 55 do
    state = (state * 1103515245 + 12345) % 2147483648
    -- Scan data never holds a bare 0xFF (it would be a marker): 0..254.
    bytes[#bytes + 1] = string.char(math.floor(state / 65536) % 255)
  end
  bytes[#bytes + 1] = string.char(0xFF, 0xD9)
  local raw = table.concat(bytes)
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  local out = {}
  for i = 1, #raw, 3 do
    local a, b, c = raw:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = {}
    for j = 3, 0, -1 do
      local index = math.floor(n / 64 ^ j) % 64
      chars[#chars + 1] = alphabet:sub(index + 1, index + 1)
    end
    if b == nil then chars[3], chars[4] = "=", "=" elseif c == nil then chars[4] = "=" end
    out[#out + 1] = table.concat(chars)
  end
  return table.concat(out)
end

local addresses = {
  "北京市朝阳区朝阳门外大街甲6号万通中心C座%d室", "北京市海淀区中关村大街59号3号楼2单元%d室",
  "湖北省武汉市洪山区珞喻路1037号%d室", "河南省郑州市二七区大学路40号院%d室",
}
local hospitals = { "北京协和医院", "首都医科大学附属北京天坛医院", "华中科技大学同济医学院附属协和医院", "郑州大学第一附属医院" }
local departments = { "心血管内科", "呼吸与危重症医学科", "消化内科", "普通外科", "急诊科", "儿科", "神经内科" }
local schools = { "北京大学医学部", "首都医科大学", "华中科技大学同济医学院", "郑州大学医学院", "武汉大学医学部" }

local candidates, ready, ready_head, ready_tail = {}, {}, 1, 0
local pending = {}
local sequence = 0
local run_id = "run"
local photo

local function push(candidate)
  ready_tail = ready_tail + 1
  ready[ready_tail] = candidate
end

local function pop()
  if ready_head > ready_tail then return nil end
  local candidate = ready[ready_head]
  ready[ready_head] = nil
  ready_head = ready_head + 1
  return candidate
end

function init(args)
  run_id = args[2] or run_id
  common.init_stats(kinds)
  common.count("noop", 0)
  common.count("broken", 0)
  common.count("extra", 0)
  common.count("events_acknowledged", 0)
  local threads = tonumber(args[3] or "1")
  local thread_id = load_thread_id or 0
  for _, row in ipairs(common.read_rows(args[1])) do
    local number = tonumber(row[6])
    if number % threads == thread_id then
      local candidate = {
        id = row[1], token = row[2], exam = row[3], area = row[4], site = row[5], number = number,
        step = 1, cycle = 0, broken = false,
      }
      candidates[#candidates + 1] = candidate
      push(candidate)
    end
  end
  photo = photo_base64()
end

local function body_for(candidate, kind, n)
  local c = candidate
  if kind == "contact" then
    return string.format(
      '{"mobile":"139%08d","homePhone":"010-6%07d","email":"ks%d.%d@example.cn","address":"%s","postcode":"100020"}',
      (c.number * 7919 + n) % 100000000, n % 10000000, c.number, n,
      string.format(addresses[c.number % #addresses + 1], 100 + n % 2900))
  elseif kind == "work" then
    return string.format('{"onDutyStatus":"在职","workUnit":"%s%s","title":"住院医师","titleObtained":"%d-12"}',
      hospitals[c.number % #hospitals + 1], departments[n % #departments + 1], 2015 + n % 10)
  elseif kind == "education" then
    local start = 2005 + (c.cycle + c.number) % 12
    return string.format(
      '{"region":"大陆","school":"%s","category":"高等医学教育","enrolment":"%d-09","graduation":"%d-07",' ..
      '"studyForm":"普通全日制","level":"本科","degree":"医学学士","length":"五年制","major":"临床医学",' ..
      '"certificateNumber":"10001%04d05%07d"}',
      schools[(c.number + c.cycle) % #schools + 1], start, start + 5, start + 5, (c.number * 100 + c.cycle) % 10000000)
  elseif kind == "submit" then
    return string.format(
      '{"examCode":"%s","educationEntryIDs":["%s"],"areaCode":"%s","siteCode":"%s","attemptCount":%d,' ..
      '"photo":{"jpegBase64":"%s"}}', c.exam, c.entry, c.area, c.site, 1 + c.cycle % 3, photo)
  end
  return nil
end

function request()
  local candidate = pop()
  local extra = false
  if candidate == nil then
    -- Every candidate has a request in flight (more connections than candidates, or lost responses): a contact
    -- update of some candidate, outside its cycle.
    candidate = candidates[math.random(#candidates)]
    extra = true
    common.count("extra")
  end
  sequence = sequence + 1
  local kind
  if extra or candidate.broken then
    kind = (sequence % 2 == 0) and "contact" or "work"
  else
    kind = kinds[candidate.step]
  end
  local id = candidate.id
  local path = "/api/v1/candidates/" .. id
  local method = "POST"
  if kind == "contact" then method, path = "PUT", path .. "/contact"
  elseif kind == "work" then method, path = "PUT", path .. "/work"
  elseif kind == "education" then path = path .. "/education"
  elseif kind == "submit" then path = path .. "/applications"
  elseif kind == "abandon" then path = path .. "/applications/" .. candidate.app .. "/abandon"
  elseif kind == "remove" then method, path = "DELETE", path .. "/education/" .. candidate.entry
  end
  local request_id = run_id .. "-w" .. (load_thread_id or 0) .. "-" .. sequence
  pending[request_id] = { candidate = candidate, kind = kind, extra = extra, started = common.now_us() }
  local headers = {
    ["Authorization"] = "Bearer " .. candidate.token,
    ["X-Request-Id"] = request_id,
    ["Idempotency-Key"] = request_id,
  }
  local body = body_for(candidate, kind, sequence)
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
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
  local candidate, kind = entry.candidate, entry.kind
  common.record(kind, status, entry.started)
  if status >= 200 and status < 300 then
    local events = body:match('"events":%[(.-)%]') or ""
    local appended = select(2, events:gsub('"[^"]*"', ""))
    if appended == 0 then common.count("noop") end
    common.count("events_acknowledged", appended)
    if not entry.extra and not candidate.broken then
      if kind == "education" then
        candidate.entry = body:match('"entryID":"([^"]+)"')
      elseif kind == "submit" then
        candidate.app = body:match('"applicationID":"([^"]+)"')
      end
      if (kind == "education" and not candidate.entry) or (kind == "submit" and not candidate.app) then
        candidate.broken = true
        common.count("broken")
      end
      candidate.step = candidate.step % #kinds + 1
      if candidate.step == 1 then candidate.cycle = candidate.cycle + 1 end
    end
  else
    common.count("failed_" .. kind)
    if not entry.extra and not candidate.broken then
      candidate.broken = true
      common.count("broken")
    end
  end
  if not entry.extra then push(candidate) end
end

function done(summary, latency, requests)
  common.done("writes", summary, latency)
end
