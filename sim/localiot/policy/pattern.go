package policy

import (
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of one element of a compiled pattern.
type tokKind uint8

// Pattern elements.
const (
	tokLit   tokKind = iota // literal text
	tokStar                 // * : any run of characters, possibly empty
	tokQuest                // ? : exactly one character
	tokVar                  // ${name}: a policy variable, replaced by its value as literal text
)

// token is one element of a compiled pattern: literal text, a wildcard or a variable name.
type token struct {
	kind tokKind
	s    string
}

// pattern is a resource, action or condition value compiled once at Parse.
type pattern struct {
	src     string
	toks    []token
	hasVars bool
}

// compile splits src into literals, wildcards (when wild) and policy variables (when vars).
// ${*}, ${?} and ${$} are the literal characters; a "${" without "}" is literal text.
func compile(src string, wild, vars bool) pattern {
	p := pattern{src: src}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokLit, s: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case wild && c == '*':
			flush()
			p.toks = append(p.toks, token{kind: tokStar})
		case wild && c == '?':
			flush()
			p.toks = append(p.toks, token{kind: tokQuest})
		case vars && c == '$' && i+1 < len(src) && src[i+1] == '{':
			end := strings.IndexByte(src[i+2:], '}')
			if end < 0 {
				lit.WriteByte(c)
				continue
			}
			name := src[i+2 : i+2+end]
			i += end + 2
			switch name {
			case "*", "?", "$":
				lit.WriteString(name)
			default:
				flush()
				p.toks = append(p.toks, token{kind: tokVar, s: strings.TrimSpace(name)})
				p.hasVars = true
			}
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return p
}

// resolve returns the pattern's tokens with every variable replaced by its value as a literal;
// ok is false when a variable has no value.
func (p *pattern) resolve(vars Variables) (toks []token, ok bool) {
	if !p.hasVars {
		return p.toks, true
	}
	out := make([]token, len(p.toks))
	for i, t := range p.toks {
		if t.kind == tokVar {
			v, found := vars.Lookup(t.s)
			if !found {
				return nil, false
			}
			t = token{kind: tokLit, s: v}
		}
		out[i] = t
	}
	return out, true
}

// text returns the resolved pattern as plain text (wildcards, if any, as their characters).
func (p *pattern) text(vars Variables) (string, bool) {
	if !p.hasVars && len(p.toks) <= 1 {
		if len(p.toks) == 0 {
			return "", true
		}
		if p.toks[0].kind == tokLit {
			return p.toks[0].s, true
		}
	}
	toks, ok := p.resolve(vars)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for _, t := range toks {
		switch t.kind {
		case tokStar:
			b.WriteByte('*')
		case tokQuest:
			b.WriteByte('?')
		default:
			b.WriteString(t.s)
		}
	}
	return b.String(), true
}

// matches reports whether s matches the pattern; fold compares literals case-insensitively.
// ok is false when a variable of the pattern has no value.
func (p *pattern) matches(s string, vars Variables, fold bool) (match, ok bool) {
	toks, ok := p.resolve(vars)
	if !ok {
		return false, false
	}
	return globMatch(toks, s, fold), true
}

// globMatch matches s against tokens without variables: the classic wildcard algorithm that
// backtracks to the most recent star, linear for patterns with one star.
func globMatch(toks []token, s string, fold bool) bool {
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for ti < len(toks) || si < len(s) {
		if ti < len(toks) {
			t := toks[ti]
			switch t.kind {
			case tokStar:
				starTi, starSi = ti, si
				ti++
				continue
			case tokQuest:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					ti++
					si += n
					continue
				}
			default:
				if hasPrefix(s[si:], t.s, fold) {
					ti++
					si += len(t.s)
					continue
				}
			}
		}
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		ti, si = starTi+1, starSi
	}
	return true
}

// hasPrefix reports whether s starts with prefix, ignoring case when fold is set.
func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return strings.EqualFold(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}
