-- surge.lua — a release-day booking surge for wrk (scripts/run-bench.sh).
--
-- Every request is POST /api/v1/appointments for a different person (a valid DNI made of the
-- thread and request numbers, an e-mail of its own) on one of the starts in SURGE_STARTS (a file
-- of "office start" lines: the seats just released), signed with the staff bearer token
-- SURGE_TOKEN (staff bookings need no proof of work). Threads walk the starts from different
-- places. A thread stops once it has had as many answers in a row without a seat as there are
-- starts: the seats are gone. Prints the count of answers by kind; the script checks the
-- database itself.
local starts = {}
local token = os.getenv("SURGE_TOKEN")
local service = os.getenv("SURGE_SERVICE")
local threads = {}
local counter = 1

for line in io.lines(os.getenv("SURGE_STARTS")) do
	local office, start = line:match("^(%S+) (%S+)$")
	if office then starts[#starts + 1] = {office, start} end
end

function setup(thread)
	thread:set("id", counter)
	counter = counter + 1
	threads[#threads + 1] = thread
end

local letters = "TRWAGMYFPDXBNJZSQVHLCKE"

function init(args)
	n = 0
	booked, full, bad5, other, misses = 0, 0, 0, 0, 0
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
	n = n + 1
	local s = starts[(n * 7 + id * 131) % #starts + 1]
	local num = id * 10000000 + n
	local dni = string.format("%08d%s", num, letters:sub(num % 23 + 1, num % 23 + 1))
	local body = string.format(
		'{"service":"%s","channel":"in_person","office":"%s","start":"%s","name":"Persona %d","id_type":"dni","id_number":"%s","email":"s%d-%d@example.org"}',
		service, s[1], s[2], num, dni, id, n)
	return wrk.format(nil, "/api/v1/appointments", nil, body)
end

function response(status, headers, body)
	if status == 201 then
		booked = booked + 1
		misses = 0
		return
	end
	if status == 409 then full = full + 1 elseif status >= 500 then bad5 = bad5 + 1 else other = other + 1 end
	misses = misses + 1
	if misses >= #starts then wrk.thread:stop() end
end

function done(summary, latency, requests)
	local b, f, e, o = 0, 0, 0, 0
	for _, t in ipairs(threads) do
		b = b + t:get("booked")
		f = f + t:get("full")
		e = e + t:get("bad5")
		o = o + t:get("other")
	end
	io.write(string.format("surge_booked=%d\nsurge_full=%d\nsurge_5xx=%d\nsurge_other=%d\n", b, f, e, o))
end
