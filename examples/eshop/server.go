package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"math/big"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/loyalty"
)

// DefaultMaxBody is the largest request body accepted, in bytes.
const DefaultMaxBody = 64 << 10

// Config configures a Server.
type Config struct {
	Stores *Stores
	Keys   *Keyring
	// Programme is the loyalty programme; nil means the built-in one.
	Programme *loyalty.Programme
	// Coupons are the coupons a basket may present, by code.
	Coupons map[string]loyalty.Coupon
	// Policy is the complaint workflow's policy; nil means the default.
	Policy *complaint.Policy
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request, without personal data; nil
	// discards.
	Logger *slog.Logger
	// MaxBody is the largest request body in bytes; 0 means
	// DefaultMaxBody.
	MaxBody int64
}

// Server is the shop backend's HTTP handler.
type Server struct {
	stores    *Stores
	keys      *Keyring
	programme *loyalty.Programme
	coupons   map[string]loyalty.Coupon
	ledger    *loyalty.Service
	cases     *complaint.Service
	// history records the orders, returns and credits of the customers'
	// histories, each checked against the history in one step with its
	// append (see customer.Recorder).
	history *customer.Recorder
	now     func() time.Time
	log     *slog.Logger
	maxBody int64
	mux     *http.ServeMux
	members [64]sync.Mutex
	// bearer holds, by code, what was read of the coupon ledger of each
	// limited bearer coupon (bearer.go).
	bearer bearerCache

	models    atomic.Pointer[Models]
	fitting   sync.Mutex
	fitErrors atomic.Int64
}

// NewServer returns a server on cfg's stores. It fits no model: call
// Server.Refresh (main does, at start-up and on an interval). A
// complaint Policy that does not validate ([complaint.Policy.Validate])
// is an error here, not a 400 on every complaint request later.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Stores == nil || cfg.Keys == nil {
		return nil, errors.New("eshop: config needs stores and keys")
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("eshop: config: %w", err)
	}
	s := &Server{
		stores:    cfg.Stores,
		keys:      cfg.Keys,
		programme: cfg.Programme,
		coupons:   cfg.Coupons,
		now:       cfg.Now,
		log:       cfg.Logger,
		maxBody:   cfg.MaxBody,
	}
	if s.programme == nil {
		p, err := loyalty.DecodeProgramme([]byte(defaultProgramme))
		if err != nil {
			return nil, err
		}
		s.programme = p
	}
	if s.coupons == nil {
		c, err := decodeCoupons(s.programme, []byte(defaultCoupons))
		if err != nil {
			return nil, err
		}
		s.coupons = c
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	s.ledger = loyalty.NewService(s.programme, cfg.Stores.Ledgers, nil)
	s.history = &customer.Recorder{Customers: cfg.Stores.Customers, History: cfg.Stores.Customers}
	s.cases = &complaint.Service{Store: cfg.Stores.Complaints, Policy: cfg.Policy}
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": s.stores.Name})
	})
	s.handle("PUT /v1/customers/{id}", RightCustomersWrite, s.putCustomer)
	s.handle("GET /v1/customers/{id}", RightCustomersRead, s.getCustomer)
	s.handle("GET /v1/customers/{id}/insight", RightInsight, s.getInsight)
	s.handle("POST /v1/orders", RightOrders, s.postOrder)
	s.handle("POST /v1/orders/{id}/release", RightOrders, s.postRelease)
	s.handle("POST /v1/returns", RightOrders, s.postReturn)
	s.handle("POST /v1/baskets/price", RightPrice, s.priceBasket)
	s.handle("GET /v1/members/{id}/points", RightPointsRead, s.getPoints)
	s.handle("POST /v1/members/{id}/adjustments", RightPointsAdjust, s.postAdjustment)
	s.handle("POST /v1/complaints", RightComplaintOpen, s.postComplaint)
	s.handle("GET /v1/complaints/{id}", RightComplaintRead, s.getComplaint)
	s.handle("POST /v1/complaints/{id}/commands", RightComplaintWork, s.postCommand)
	s.handle("POST /v1/models/refresh", RightModels, s.postRefresh)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := s.allowed(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, &apiError{status: http.StatusMethodNotAllowed,
				msg: fmt.Sprintf("method %s not allowed here; allowed: %s", r.Method, strings.Join(allow, ", "))})
			return
		}
		writeError(w, &apiError{status: http.StatusNotFound, msg: "no such endpoint"})
	})
}

// allowed returns the methods an endpoint serves at r's path, or none when
// no endpoint is there. The catch-all route that answers 404 would
// otherwise hide the mux's own 405.
func (s *Server) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}

// locatedBody is a response body with the path of the resource the
// request created, or found created before, which handle sends as the
// Location header.
type locatedBody struct {
	body     any
	location string
}

// handlerFunc is an endpoint: it returns the status and body of a success,
// or an error that writeError turns into a response.
type handlerFunc func(ctx context.Context, c Caller, r *http.Request) (int, any, error)

// handle registers an endpoint behind authentication, the right check,
// the body limit and the request log.
func (s *Server) handle(pattern string, need Right, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		status, field := 0, ""
		var caller Caller
		defer func() {
			// The log line names the route pattern, not the path: paths
			// carry customer IDs, which a shop may derive from personal
			// data. Errors of 4xx are the caller's; only their field is
			// logged.
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("route", pattern), slog.Int("status", status),
				slog.String("caller", caller.ID), slog.String("role", roleName(caller.Role)),
				slog.String("field", field), slog.Duration("took", time.Since(start)))
		}()
		key, ok := bearer(r)
		if !ok {
			status = writeError(w, errUnauthenticated)
			return
		}
		if caller, ok = s.keys.Check(key); !ok {
			status = writeError(w, errUnauthenticated)
			return
		}
		if !caller.Role.Can(need) {
			status = writeError(w, &apiError{status: http.StatusForbidden,
				msg: fmt.Sprintf("the %s role may not do this", caller.Role)})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		code, body, err := h(r.Context(), caller, r)
		if err != nil {
			ae := s.errorResponse(r.Context(), err)
			field = ae.field
			status = writeError(w, ae)
			return
		}
		if lb, ok := body.(locatedBody); ok {
			w.Header().Set("Location", lb.location)
			body = lb.body
		}
		status = code
		writeJSON(w, code, body)
	})
}

func roleName(r Role) string {
	if r == 0 {
		return ""
	}
	return r.String()
}

// lock serialises the writes of one member within this process. It is
// not what keeps the stores whole, in this process or across processes:
// the ledger's optimistic concurrency does that for the points, and the
// Recorder, which checks each record against the history in one step
// with its append, for the history. The lock spares concurrent writers
// of one ledger the retries, and an order or a return holds it from its
// append to its ledger entry, so that no settle of this process applies
// the record in between and the response reports what this request
// earned or clawed back. A carry-out holds it from its credit check to
// the save of its case, so that two cases of one order carried out in
// this process are checked one after the other (see carryOut).
func (s *Server) lock(id customer.ID) func() {
	h := fnv.New32a()
	h.Write([]byte(id))
	m := &s.members[h.Sum32()%uint32(len(s.members))]
	m.Lock()
	return m.Unlock
}

// recordError turns an error of recording record id (a Recorder call) into
// its response: another record under the ID is 409 on "id"; a return or
// credit of an order the customer does not have is 404 on "order_id"
// (400 listing every field when the record is bad in other fields too); an
// unknown customer is 404 on "customer_id". Any other error, such as the
// *customer.ValidationError of a record the history refuses, is returned
// as it is, for errorResponse.
func recordError(err error, record, id string) error {
	var dup *customer.DuplicateError
	var ve *customer.ValidationError
	switch {
	case errors.As(err, &dup) && dup.Field != "":
		return &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("%s %q was recorded before with other content (%s differs)", record, id, dup.Field)}
	case errors.Is(err, customer.ErrDuplicate):
		return &apiError{status: http.StatusConflict, field: "id",
			msg: fmt.Sprintf("%s %q was recorded before with other content", record, id)}
	case errors.As(err, &ve) && ve.Has("order_id", customer.CodeUnknown) && len(ve.Fields) == 1:
		return &apiError{status: http.StatusNotFound, field: "order_id", msg: "no such order of this customer"}
	case errors.Is(err, customer.ErrNotFound):
		return &apiError{status: http.StatusNotFound, field: "customer_id", msg: "no such customer"}
	}
	return err
}

// apiError is an error response: status, message and the request field at
// fault.
type apiError struct {
	status int
	msg    string
	field  string
	fields []fieldProblem
}

type fieldProblem struct {
	Field string `json:"field"`
	Code  string `json:"code,omitempty"`
	Error string `json:"error"`
}

func (e *apiError) Error() string { return e.msg }

var errUnauthenticated = &apiError{status: http.StatusUnauthorized, msg: "missing or invalid API key"}

// badRequest is a 400 naming field.
func badRequest(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, field: field, msg: field + ": " + fmt.Sprintf(format, args...)}
}

// errorResponse turns an error into its response. Errors of the input are
// 4xx naming the field; errors of the store are 503; anything else 500.
func (s *Server) errorResponse(ctx context.Context, err error) *apiError {
	var ae *apiError
	var ve *customer.ValidationError
	var te *complaint.TransitionError
	var ce *loyalty.CouponError
	var ie *loyalty.InsufficientError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mbe):
		return &apiError{status: http.StatusRequestEntityTooLarge, field: "body",
			msg: fmt.Sprintf("request body larger than %d bytes", mbe.Limit)}
	case errors.As(err, &ve):
		out := &apiError{status: http.StatusBadRequest, msg: ve.Error()}
		for _, f := range ve.Fields {
			out.fields = append(out.fields, fieldProblem{Field: f.Field, Code: f.Code, Error: f.Message})
		}
		if len(ve.Fields) > 0 {
			out.field = ve.Fields[0].Field
		}
		return out
	case errors.As(err, &te):
		status := http.StatusConflict
		for _, g := range te.FailedGuards {
			if strings.HasPrefix(g, "actor") || strings.HasPrefix(g, "approver") {
				status = http.StatusForbidden
			}
		}
		return &apiError{status: status, msg: te.Error(), field: "kind"}
	case errors.As(err, &ce):
		return &apiError{status: http.StatusUnprocessableEntity, msg: ce.Error(), field: "coupons"}
	case errors.As(err, &ie):
		return &apiError{status: http.StatusUnprocessableEntity, msg: ie.Error(), field: "points"}
	case errors.Is(err, loyalty.ErrOverflow):
		return &apiError{status: http.StatusUnprocessableEntity, msg: err.Error(), field: "points"}
	case errors.Is(err, complaint.ErrKeyReused):
		return &apiError{status: http.StatusConflict, msg: err.Error(), field: "Idempotency-Key"}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &apiError{status: http.StatusServiceUnavailable, msg: "request cancelled or timed out"}
	}
	s.log.LogAttrs(ctx, slog.LevelError, "store or internal error", slog.String("error", err.Error()))
	return &apiError{status: http.StatusServiceUnavailable, msg: "storage unavailable; the request was not applied, or applied whole: retry it"}
}

// writeError writes e as {"error": ..., "field": ...} and returns the
// status; a 401 carries WWW-Authenticate, a 503 Retry-After.
func writeError(w http.ResponseWriter, e *apiError) int {
	body := struct {
		Error  string         `json:"error"`
		Field  string         `json:"field,omitempty"`
		Fields []fieldProblem `json:"fields,omitempty"`
	}{e.msg, e.field, e.fields}
	switch e.status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="eshop"`)
	case http.StatusServiceUnavailable:
		// The request was not applied, or applied whole: sending it
		// again is safe, and a client or proxy that honours the header
		// waits a moment first.
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.status, body)
	return e.status
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"response could not be encoded"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decode reads the request body into v strictly: JSON only, unknown
// fields, trailing data, a key twice in one object and a key spelt in
// another letter case than its field (which encoding/json would match)
// rejected, type
// errors naming the field as validation errors do, with the index of each
// array element on the way ("lines[1].quantity").
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return &apiError{status: http.StatusUnsupportedMediaType, field: "body", msg: "Content-Type must be application/json"}
		}
	}
	// What the decoder read (no more than the body limit), to find the
	// field of a type error in.
	var read bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(r.Body, &read))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, read.Bytes())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("body", "data after the JSON object")
	}
	if f := duplicateKeyFor(read.Bytes(), reflect.TypeOf(v)); f != "" {
		return badRequest(f, "appears twice in one object (keys match without regard to case)")
	}
	if f, want := miscasedKey(read.Bytes(), reflect.TypeOf(v)); f != "" {
		return badRequest(f, "unknown field: keys are matched exactly; did you mean %q?", want)
	}
	return nil
}

var unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)

// decodeError turns an error of decoding body into a 400 naming the
// field.
func decodeError(err error, body []byte) error {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return badRequest("body", "empty; a JSON object is expected")
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("body", "malformed JSON: %v", err)
	case errors.As(err, &te):
		f := typeErrorField(body, te)
		if f == "" {
			f = "body"
		}
		if msg, ok := integerProblem(te); ok {
			// Said as the checks of a field's value say it, in the list
			// of fields too.
			var p problems
			p.add(f, "%s", msg)
			return p.err()
		}
		return badRequest(f, "must be %s", jsonKind(te.Type.Kind().String()))
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		if m[1] == "" {
			return badRequest("body", `unknown field ""`)
		}
		return badRequest(m[1], "unknown field")
	}
	// Errors of UnmarshalText (enums, money, times) carry no field in
	// encoding/json v1; the message names the value.
	return badRequest("body", "%v", err)
}

// integerProblem says what is wrong with the JSON number of te, one that
// an integer field could not take: it is beyond the largest or below the
// smallest value of the field's type ("1e20 is more than the largest
// number this field takes, 9223372036854775807"), has a fraction ("must
// be an integer, not 1.5"), or is an integer written with a fraction or
// an exponent, which encoding/json does not read into an integer ("must
// be written as an integer without a fraction or an exponent: 100, not
// 1e2"). ok is false for a value that is not a number, or a field that is
// not an integer. The number is read as its digits and its exponent, so
// that an exponent of any size costs no more than its text.
func integerProblem(te *json.UnmarshalTypeError) (msg string, ok bool) {
	lit, isNumber := strings.CutPrefix(te.Value, "number ")
	if !isNumber || te.Type == nil {
		return "", false
	}
	var lo, hi big.Int
	switch bits := uint(te.Type.Bits()); te.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		hi.Lsh(big.NewInt(1), bits-1)
		lo.Neg(&hi)
		hi.Sub(&hi, big.NewInt(1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		hi.Lsh(big.NewInt(1), bits)
		hi.Sub(&hi, big.NewInt(1))
	default:
		return "", false
	}
	// -?digits(.digits)?([eE][+-]?digits)?, as the decoder accepted it.
	mant, expText, _ := strings.Cut(strings.ToLower(lit), "e")
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	whole, frac, _ := strings.Cut(mant, ".")
	exp, err := strconv.ParseInt(expText, 10, 64)
	if expText == "" {
		exp, err = 0, nil
	}
	if err != nil {
		// Beyond an int64 only when its text says so: huge either way.
		exp = math.MaxInt64 / 2
		if strings.HasPrefix(expText, "-") {
			exp = -exp
		}
	}
	digits := strings.TrimLeft(whole+frac, "0")
	exp -= int64(len(frac))
	for digits != "" && exp < 0 && strings.HasSuffix(digits, "0") {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	switch {
	case digits == "":
		return fmt.Sprintf("must be written as an integer without a fraction or an exponent: 0, not %s", lit), true
	case exp < 0:
		return fmt.Sprintf("must be an integer, not %s", lit), true
	}
	var n big.Int
	if int64(len(digits))+exp <= 40 {
		n.SetString(digits+strings.Repeat("0", int(exp)), 10)
		if neg {
			n.Neg(&n)
		}
	} else if neg {
		n.Sub(&lo, big.NewInt(1)) // far below
	} else {
		n.Add(&hi, big.NewInt(1)) // far above
	}
	switch {
	case n.Cmp(&hi) > 0:
		return fmt.Sprintf("%s is more than the largest number this field takes, %s", lit, hi.String()), true
	case n.Cmp(&lo) < 0:
		return fmt.Sprintf("%s is less than the smallest number this field takes, %s", lit, lo.String()), true
	}
	return fmt.Sprintf("must be written as an integer without a fraction or an exponent: %s, not %s", n.String(), lit), true
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	case "bool":
		return "true or false"
	}
	return "of another type"
}

// validID is the form of the customer, order, return and adjustment IDs
// this API accepts: they travel in URL paths.
var validID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func checkID(field, id string) error {
	if !validID.MatchString(id) {
		return badRequest(field, "must be 1–64 letters, digits, '.', '-' or '_'")
	}
	return nil
}
