-- wrk script: POST one PNG to /v1/models/NAME:predict, over and over.
-- FOVEA_IMAGE names the file. wrk itself reports latency percentiles and any non-2xx answers.
local f = assert(io.open(os.getenv("FOVEA_IMAGE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "image/png"
