-- wrk script: valid and invalid requests in turn, each answer checked against what its request
-- deserves (valid -> 200, invalid -> 4xx). Run with as many threads as connections (-t16 -c16):
-- each thread then owns one connection, sends one request at a time, and its response() always
-- answers the request() before it, so the pairing is exact.
-- FOVEA_IMAGE: a valid PNG; FOVEA_BOMB: a PNG header claiming 100000x100000 pixels. The URL is the
-- model's :predict endpoint; the visualize requests go to its :visualize beside it.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*all")
  f:close()
  return s
end
local png = read(os.getenv("FOVEA_IMAGE"))
local bomb = read(os.getenv("FOVEA_BOMB"))
local kinds = {
  {name = "valid PNG", type = "image/png", body = png, want = 200},
  {name = "not an image", type = "image/png", body = "this is not an image", want = 400},
  {name = "valid PNG", type = "image/png", body = png, want = 200},
  {name = "truncated PNG", type = "image/png", body = png:sub(1, math.floor(#png / 2)), want = 400},
  {name = "text/plain", type = "text/plain", body = "hello", want = 415},
  {name = "pixel bomb", type = "image/png", body = bomb, want = 400},
  {name = "bad JSON tensor", type = "application/json", body = '{"tensor": [[1, 2], [3, 4]]}', want = 400},
  -- above the default 8 MiB body limit: read away while counting, then 413
  {name = "oversized body", type = "image/png", body = string.rep("x", 8 * 1024 * 1024 + 4096), want = 413},
  {name = "visualize", verb = "visualize", type = "image/png", body = png, want = 200},
}
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  i = id
  last = nil
  -- each request formatted once: formatting an 8 MiB body per request would make wrk the bottleneck
  formatted = {}
  for k, kind in ipairs(kinds) do
    local path = nil
    if kind.verb then path = wrk.path:gsub(":predict$", ":" .. kind.verb) end
    formatted[k] = wrk.format("POST", path, {["Content-Type"] = kind.type}, kind.body)
  end
  valid_ok, valid_bad, invalid_ok, invalid_bad, shed, server_errors = 0, 0, 0, 0, 0, 0
end

function request()
  i = i + 1
  local k = (i % #kinds) + 1
  last = kinds[k]
  return formatted[k]
end

function response(status, headers, body)
  if status == 503 then
    shed = shed + 1   -- load shedding (a full queue, a busy visualisation model): fast, by design
  elseif status >= 500 then
    server_errors = server_errors + 1
  elseif last.want == 200 then
    if status == 200 then valid_ok = valid_ok + 1 else valid_bad = valid_bad + 1 end
  else
    if status == last.want then invalid_ok = invalid_ok + 1 else invalid_bad = invalid_bad + 1 end
  end
end

function done(summary, latency, requests)
  local vo, vb, io_, ib, sh, se = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    vo = vo + t:get("valid_ok"); vb = vb + t:get("valid_bad")
    io_ = io_ + t:get("invalid_ok"); ib = ib + t:get("invalid_bad")
    sh = sh + t:get("shed"); se = se + t:get("server_errors")
  end
  io.write(string.format("MIXED valid: %d answered 200, %d otherwise; invalid: %d answered the expected 4xx, %d otherwise; 503 shed: %d; other 5xx: %d\n",
    vo, vb, io_, ib, sh, se))
end
