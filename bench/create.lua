-- POST /v1/applicants with a fresh e-mail address each time.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local n = 0
local run = os.getenv("BENCH_RUN") or "0"
local headers = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "application/json" }
request = function()
  n = n + 1
  local email = "w" .. run .. "-" .. (tid or 0) .. "-" .. n .. "-" .. math.random(1000000000) .. "@example.com"
  local body = '{"full_name":"Bench Person ' .. n .. '","email":"' .. email .. '","phone":"+1 555 0100",'
    .. '"address":{"city":"Springfield","country":"US"},"source":{"type":"event","detail":"bench"}}'
  return wrk.format("POST", "/v1/applicants", headers, body)
end
