package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// indexedJob is the part of a Kubernetes Job the deploy example must get right.
type indexedJob struct {
	Kind string `yaml:"kind"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				Containers []struct {
					Args []string `yaml:"args"`
					Env  []struct {
						Name  string `yaml:"name"`
						Value string `yaml:"value"`
					} `yaml:"env"`
					VolumeMounts []struct {
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// TestDeployIndexedJob keeps deploy/kubernetes/jitpsim-shards.yaml in step with
// the CLI: an Indexed Job whose pods all run at once, one shard each, with
// arguments `jitpsim run` accepts.
func TestDeployIndexedJob(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "jitpsim-shards.yaml"))
	require.NoError(t, err)
	var job indexedJob
	require.NoError(t, yaml.Unmarshal(data, &job))
	assert.Equal(t, "Job", job.Kind)
	assert.Equal(t, "Indexed", job.Spec.CompletionMode)
	assert.Equal(t, job.Spec.Completions, job.Spec.Parallelism, "every shard at once")
	require.Len(t, job.Spec.Template.Spec.Containers, 1)
	c := job.Spec.Template.Spec.Containers[0]

	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	require.Contains(t, env, envShardCount)
	sh, err := shardFromEnv(func(k string) string {
		if k == envJobIndex {
			return "0" // Kubernetes sets it in each pod
		}
		return env[k]
	})
	require.NoError(t, err)
	require.NotNil(t, sh)
	assert.Equal(t, job.Spec.Completions, sh.Count, "the shard count is the Job's completions")

	require.NotEmpty(t, c.Args)
	assert.Equal(t, "run", c.Args[0])
	var o runOptions
	fs, _, _ := runFlags(&o)
	for _, a := range c.Args[1:] {
		if name, ok := strings.CutPrefix(a, "--"); ok {
			assert.NotNil(t, fs.Lookup(name), "jitpsim run has no flag %s", a)
		}
	}
	assert.Contains(t, c.Args, "--start-at", "shards start together")
	mounted := func(path string) bool {
		for _, m := range c.VolumeMounts {
			if strings.HasPrefix(path, m.MountPath+"/") {
				return true
			}
		}
		return false
	}
	assert.True(t, mounted(c.Args[1]), "the scenario %s is on a mounted volume", c.Args[1])
}
