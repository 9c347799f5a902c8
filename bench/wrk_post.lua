-- wrk script of the bench: GET FLASHCOOP_WRK_PATH (default /), or a new sale per request to
-- each "path token" line of the file FLASHCOOP_WRK_TARGETS names, in turn; one JSON summary.
local targets = {}
local get_path = "/"
local counter = 0

local function uuid4()
  local t = {}
  for i = 1, 16 do t[i] = math.random(0, 255) end
  t[7] = t[7] % 16 + 64   -- version 4
  t[9] = t[9] % 64 + 128  -- RFC 4122 variant
  local h = string.format(string.rep("%02x", 16), unpack(t))
  return h:sub(1, 8) .. "-" .. h:sub(9, 12) .. "-" .. h:sub(13, 16) .. "-" ..
    h:sub(17, 20) .. "-" .. h:sub(21, 32)
end

function setup(thread)
  thread:set("id", tostring(thread))
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  local name = os.getenv("FLASHCOOP_WRK_TARGETS")
  if name and name ~= "" then
    for line in io.lines(name) do
      local path, token = line:match("^(%S+) (%S+)$")
      if path then targets[#targets + 1] = { path, token } end
    end
  end
  counter = math.random(0, 1000)
  local wanted = os.getenv("FLASHCOOP_WRK_PATH")
  if wanted and wanted ~= "" then get_path = wanted end
end

function request()
  if #targets == 0 then
    return wrk.format("GET", get_path)
  end
  counter = counter + 1
  local target = targets[counter % #targets + 1]
  local body = '{"id":"' .. uuid4() .. '","kind":"sale","amount":"2.50",' ..
    '"label":"Jus d\'orange","payment_method":"cash"}'
  return wrk.format("POST", target[1], {
    ["Authorization"] = "Bearer " .. target[2],
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
