-- wrk's script for `python -m bench --only load` (bench/load.py).
-- With BENCH_TILES set ("z x1 x2 y1 y2"), each request asks for a random tile in that range,
-- with a random parameter the tile view ignores but its cache keys on: a tile built anew each
-- time, as on a cache miss. At the end, one line "BENCH {json}" with the figures bench/load.py
-- reads: requests, seconds, errors, and the latency percentiles in microseconds.

local tiles = os.getenv("BENCH_TILES")
local z, x1, x2, y1, y2
if tiles then
  local parts = {}
  for word in tiles:gmatch("%d+") do table.insert(parts, tonumber(word)) end
  z, x1, x2, y1, y2 = unpack(parts)
end

local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread its own sequence, so that two threads never ask for the same tile key.
  math.randomseed(os.time() * 100 + number)
end

if tiles then
  request = function()
    local path = string.format(
      "/api/v1/tiles/reports/%d/%d/%d.pbf?uncached=%d%d",
      z, math.random(x1, x2), math.random(y1, y2), number, math.random(1, 1000000000)
    )
    return wrk.format("GET", path)
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration / 1e6, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(99), latency.max
  ))
end
