package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/jitpsim/jitpsim/sim/localiot"
)

// invalid builds an InvalidRequestException.
func invalid(msg string) error { return fail(localiot.ErrInvalidRequest, msg) }

// decodeBody decodes the JSON request body into v; an empty body leaves v as is.
func decodeBody(r *http.Request, v any) error {
	b := bodyOf(r)
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return invalid("Could not parse the request body as JSON of the operation's input: " + err.Error())
	}
	return nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalid("Value '" + v + "' of query parameter " + name + " is not a boolean")
	}
	return b, nil
}

// queryInt reads an optional integer query parameter; 0 when absent.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalid("Value '" + v + "' of query parameter " + name + " is not an integer")
	}
	if n == 0 { // 0 would mean "default" to the registry; AWS's minimum is 1.
		n = -1
	}
	return n, nil
}

// markerPage reads pageSize, marker and isAscendingOrder (the marker-paged operations; newest first by default).
func markerPage(r *http.Request) (localiot.Page, error) {
	size, err := queryInt(r, "pageSize")
	if err != nil {
		return localiot.Page{}, err
	}
	asc, err := queryBool(r, "isAscendingOrder")
	if err != nil {
		return localiot.Page{}, err
	}
	return localiot.Page{Token: r.URL.Query().Get("marker"), Size: size, Descending: !asc}, nil
}

// tokenPage reads maxResults and nextToken (the token-paged operations).
func tokenPage(r *http.Request) (localiot.Page, error) {
	size, err := queryInt(r, "maxResults")
	if err != nil {
		return localiot.Page{}, err
	}
	return localiot.Page{Token: r.URL.Query().Get("nextToken"), Size: size}, nil
}
