-- GET /v1/analytics/funnel?opening_id=: one of the 50 openings (each with 1/50 of the
-- applications), and the whole company without one, one request in ten.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local openings = {}
for line in io.lines(os.getenv("BENCH_OPENINGS")) do openings[#openings + 1] = line end
request = function()
  if math.random(10) == 1 then
    return wrk.format("GET", "/v1/analytics/funnel", auth)
  end
  return wrk.format("GET", "/v1/analytics/funnel?opening_id=" .. openings[math.random(#openings)], auth)
end
