// Command go-licences classifies the licence files of Go module directories with github.com/google/licensecheck
// (the classifier pkg.go.dev uses to show a module's licences) and prints, as JSON, what each file is. It
// decides nothing: the policy (which licences are allowed) is tools/licences/policy.ts, shared with the npm
// check; tools/licences/go-modules.ts finds the modules compiled into a binary and their directories.
//
//	go run . <module dir>...
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/google/licensecheck"
)

// The names pkg.go.dev reads as licence files (FileNames in its internal/licenses: LICENSE, LICENCE, COPYING,
// MIT-LICENSE, UNLICENSE, with suffixes such as .md, .txt, -MIT, -APACHE-2.0.txt), case-insensitive, not code.
var (
	licenceFile = regexp.MustCompile(`(?i)^((mit[-_])?licen[cs]e|copying|unlicen[cs]e)([._-].*)?$`)
	sourceFile  = regexp.MustCompile(`(?i)\.(go|[chs]|py|js|ts|json|ya?ml)$`)
)

type file struct {
	Name string `json:"name"`
	// SPDX identifiers licensecheck found, in the order they appear.
	IDs []string `json:"ids"`
	// How much of the file's text those licences cover, in percent.
	Percent float64 `json:"percent"`
}

type result struct {
	Dir   string `json:"dir"`
	Files []file `json:"files"`
	Error string `json:"error,omitempty"`
}

func classify(dir string) result {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return result{Dir: dir, Files: []file{}, Error: err.Error()}
	}
	files := []file{}
	for _, entry := range entries {
		if entry.IsDir() || !licenceFile.MatchString(entry.Name()) || sourceFile.MatchString(entry.Name()) {
			continue
		}
		text, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			return result{Dir: dir, Files: files, Error: err.Error()}
		}
		coverage := licensecheck.Scan(text)
		ids := []string{}
		for _, match := range coverage.Match {
			if !match.IsURL {
				ids = append(ids, match.ID)
			}
		}
		files = append(files, file{Name: entry.Name(), IDs: ids, Percent: coverage.Percent})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return result{Dir: dir, Files: files}
}

func main() {
	results := []result{}
	for _, dir := range os.Args[1:] {
		results = append(results, classify(dir))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
