-- GET /v1/applicants?limit=50: the first page of the list, newest first.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
request = function()
  return wrk.format("GET", "/v1/applicants?limit=50", auth)
end
