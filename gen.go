// Package redcoreapi holds the OpenAPI document of the RedCore REST API,
// openapi.yaml, which the api package is generated from and the sandbox
// validates requests against, and the HTML reference page built from it.
package redcoreapi

import _ "embed"

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config api/config.yaml openapi.yaml

// OpenAPI is the RedCore API's OpenAPI 3.0 document, as YAML.
//
//go:embed openapi.yaml
var OpenAPI []byte

// ReferenceHTML is the API reference page built from openapi.yaml by
// `make docs`: one self-contained HTML file that needs no network to view.
//
//go:embed docs/reference.html
var ReferenceHTML []byte
