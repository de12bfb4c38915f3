package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// Write writes the report into dir, creating it: report.md, results.csv,
// results.json and the figures as SVG and PNG.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	plots, err := r.writePlots(dir)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"report.md", func(b *bytes.Buffer) error { return r.writeMarkdown(b, plots) }},
		{"results.csv", func(b *bytes.Buffer) error { return r.writeCSV(b) }},
		{"results.json", func(b *bytes.Buffer) error { return r.writeJSON(b) }},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			return fmt.Errorf("reports: %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	return nil
}
