package report

import "io"

// Writer renders a summary to w.
type Writer func(w io.Writer, s *Summary) error

// Compile-time checks that the writers of this package are Writers.
var (
	_ Writer = WriteText
	_ Writer = WriteJSON
	_ Writer = WriteJUnit
	_ Writer = WriteHTML
	_ Writer = WriteHlog
	_ Writer = WriteTimelineCSV
)
