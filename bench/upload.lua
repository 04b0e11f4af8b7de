-- POST /v1/applicants/{id}/documents with a 1 MiB PDF.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local boundary = "benchBoundary7MA4YWxk"
local pdf = "%PDF-1.7\n" .. string.rep("0123456789abcdef", 65536 - 2) .. "\n%%EOF\n"
pdf = pdf:sub(1, 1048576 - 7) .. "\n%%EOF\n"
local body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.pdf\"\r\n"
  .. "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n--" .. boundary .. "--\r\n"
local headers = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }
request = function()
  return wrk.format("POST", "/v1/applicants/" .. ids[math.random(#ids)] .. "/documents", headers, body)
end
