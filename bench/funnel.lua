-- GET /v1/analytics/funnel?opening_id=: the funnel of one of the 50 openings (each with 1/50
-- of the applications). The funnel of all openings is timed apart (scripts/bench.sh).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local openings = {}
for line in io.lines(os.getenv("BENCH_OPENINGS")) do openings[#openings + 1] = line end
request = function()
  return wrk.format("GET", "/v1/analytics/funnel?opening_id=" .. openings[math.random(#openings)], auth)
end
