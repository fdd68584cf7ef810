// Package redcoreapi holds the OpenAPI document of the RedCore REST API,
// openapi.yaml, which the api package is generated from and the sandbox
// validates requests against.
package redcoreapi

import _ "embed"

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config api/config.yaml openapi.yaml

// OpenAPI is the RedCore API's OpenAPI 3.0 document, as YAML.
//
//go:embed openapi.yaml
var OpenAPI []byte
