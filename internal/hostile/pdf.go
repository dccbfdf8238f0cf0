package hostile

import (
	"bytes"
	"fmt"
)

// NestedPDF is a one-page PDF of about a kilobyte whose page draws a form
// that draws the one below it fanout times, levels deep: fanout^levels
// squares to paint, a renderer's hours.
func NestedPDF(levels, fanout int) []byte {
	var objs []string
	// 1: catalog, 2: pages, 3: page, 4: page content, 5…: the forms.
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X %d 0 R >> >> >>", 5+levels-1))
	page := "/X Do"
	objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(page), page))
	for l := 0; l < levels; l++ {
		var body bytes.Buffer
		res := ""
		if l == 0 {
			body.WriteString("0 0 1 rg 0 0 595 842 re f")
		} else {
			for range fanout {
				body.WriteString("q /X Do Q ")
			}
			res = fmt.Sprintf(" /Resources << /XObject << /X %d 0 R >> >>", 5+l-1)
		}
		objs = append(objs, fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 595 842]%s /Length %d >>\nstream\n%s\nendstream", res, body.Len(), body.String()))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
