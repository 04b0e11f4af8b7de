-- GET /v1/applicants/{id} for random ids of the data set.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
request = function()
  return wrk.format("GET", "/v1/applicants/" .. ids[math.random(#ids)], auth)
end
