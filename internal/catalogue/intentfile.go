package catalogue

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// IntentFile is the YAML of a new intent file with what every intent
// needs (id, title, examples per language, answer), laid out as admins
// write them by hand. It is not checked: Load and lint say what is wrong.
func IntentFile(id string, title, answer Text, examplesJA, examplesEN []string) ([]byte, error) {
	type text struct {
		JA string `yaml:"ja"`
		EN string `yaml:"en"`
	}
	type examples struct {
		JA []string `yaml:"ja"`
		EN []string `yaml:"en"`
	}
	f := struct {
		ID       string   `yaml:"id"`
		Title    text     `yaml:"title"`
		Examples examples `yaml:"examples"`
		Answer   text     `yaml:"answer"`
	}{id, text{title.JA, title.EN}, examples{examplesJA, examplesEN}, text{answer.JA, answer.EN}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("intent %s: %w", id, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("intent %s: %w", id, err)
	}
	return buf.Bytes(), nil
}
