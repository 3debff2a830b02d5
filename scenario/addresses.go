package scenario

import (
	"fmt"
	"net/netip"
	"strings"
)

// maxRange bounds one address range, so a typo cannot expand to millions.
const maxRange = 65536

// ParseAddresses expands a single IP address or an inclusive range such as
// "127.0.0.2-127.0.0.40" into its addresses.
func ParseAddresses(s string) ([]netip.Addr, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	first, err := netip.ParseAddr(strings.TrimSpace(lo))
	if err != nil {
		return nil, fmt.Errorf("bad address %q: want an IP such as 127.0.0.2 or a range such as 127.0.0.2-127.0.0.40", s)
	}
	if !isRange {
		return []netip.Addr{first}, nil
	}
	last, err := netip.ParseAddr(strings.TrimSpace(hi))
	if err != nil || last.Is4() != first.Is4() {
		return nil, fmt.Errorf("bad range end in %q: want an IP of the same family as %s", s, first)
	}
	if last.Less(first) {
		return nil, fmt.Errorf("range %q ends before it starts", s)
	}
	var out []netip.Addr
	for a := first; ; a = a.Next() {
		out = append(out, a)
		if a == last {
			return out, nil
		}
		if len(out) >= maxRange {
			return nil, fmt.Errorf("range %q has more than %d addresses", s, maxRange)
		}
	}
}
