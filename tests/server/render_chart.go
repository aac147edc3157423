// Renders a Helm chart's templates with Go's text/template, the engine Helm itself runs, with
// .Values and .Release as Helm passes them. Helm adds the sprig function library and a few of
// its own (include, tpl, toYaml); deploy/chart uses none of them, so this renders it exactly as
// `helm template` would, on machines without helm (Debian 12 does not package it).
//   go run render_chart.go CHART_DIR VALUES_JSON NAMESPACE   > stream.yaml
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/template"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: render_chart CHART_DIR VALUES_JSON NAMESPACE")
		os.Exit(2)
	}
	var values map[string]interface{}
	if err := json.Unmarshal([]byte(os.Args[2]), &values); err != nil {
		fmt.Fprintln(os.Stderr, "render_chart: values:", err)
		os.Exit(2)
	}
	data := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": "rootlock-webhook", "Namespace": os.Args[3]},
	}
	files, _ := filepath.Glob(filepath.Join(os.Args[1], "templates", "*.yaml"))
	sort.Strings(files)
	for _, f := range files {
		// Helm's default: a missing value is an error only under --strict; ours are all set.
		t, err := template.New(filepath.Base(f)).Option("missingkey=error").ParseFiles(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "render_chart:", err)
			os.Exit(1)
		}
		fmt.Printf("---\n# Source: %s\n", filepath.Base(f))
		if err := t.Execute(os.Stdout, data); err != nil {
			fmt.Fprintln(os.Stderr, "render_chart:", err)
			os.Exit(1)
		}
	}
}
