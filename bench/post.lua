-- wrk load script: POST /v1/batch bodies whose events each carry their own UUID-shaped,
-- increasing messageId; counts responses that did not accept the whole batch.
-- Usage: PER_REQ=20 wrk -t1 -c32 -d10s -s post.lua -H "Content-Type: application/json" -H "Authorization: Basic ..." http://127.0.0.1:PORT/v1/batch
-- DELAY_MS (optional) paces each connection to one request per DELAY_MS on average (uniformly
-- random between 0 and twice that, so connections do not arrive in lockstep): a run below max load.
local threads = {}
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms then function delay() return math.random(0, 2 * delay_ms) end end
function setup(thread) table.insert(threads, thread) end

local n, per, tid, ts = 0, 1, 0, ""
function init(args)
  per = tonumber(os.getenv("PER_REQ") or "1")
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  tid = math.random(1, 2 ^ 30)
  ts = os.date("!%Y-%m-%dT%H:%M:%S.000Z")
  bad, seen = 0, 0
end

local function id(a, b)
  return string.format("%08x-%04x-7%03x-%04x-%08x%04x", math.floor(a / 65536) % 4294967296, a % 65536, b % 4096, 32768 + tid % 16384, tid, b)
end

request = function()
  local parts = {}
  for i = 1, per do
    n = n + 1
    parts[i] = string.format('{"type":"track","event":"Perf Probe","anonymousId":"p%d","messageId":"%s","timestamp":"%s","properties":{"value":1,"sku":"sku-1"}}', n % 50000, id(n, i), ts)
  end
  return wrk.format("POST", nil, nil, '{"batch":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 or not string.find(body, '"rejected":%[%]') then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b, s = 0, 0
  for _, t in ipairs(threads) do b = b + t:get("bad"); s = s + t:get("seen") end
  io.write(string.format("NOT_ALL_ACCEPTED %d of %d\n", b, s))
end
