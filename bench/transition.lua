-- POST /v1/applications/{id}/transitions: each thread walks its own applications
-- forward, applied -> screening -> interview -> assessment -> offer, so every move is real.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local apps = {}
local app_file = os.getenv("BENCH_APPS")
for line in io.lines(app_file) do apps[#apps + 1] = line end
local stages = { "screening", "interview", "assessment", "offer" }
local n = 0
local headers = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "application/json" }
request = function()
  local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
  local per = math.floor(#apps / threads)
  -- every application in turn, then the next stage: one request never races another on the same row
  local app = apps[((tid or 1) - 1) * per + 1 + n % per]
  local to = stages[math.floor(n / per) % #stages + 1]
  n = n + 1
  return wrk.format("POST", "/v1/applications/" .. app .. "/transitions", headers, '{"to":"' .. to .. '"}')
end
