{{/* The app's fixed name: the CDK stack, dashboards and alert rules all select on it. */}}
{{- define "igp.name" -}}informix-grpc-proxy{{- end -}}

{{- define "igp.instance" -}}{{ .Values.instance | default .Release.Name }}{{- end -}}

{{/* Selector labels: exactly the CDK manifests' labels, so both select the same pods. */}}
{{- define "igp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "igp.name" . }}
app.kubernetes.io/instance: {{ include "igp.instance" . }}
{{- end -}}

{{- define "igp.labels" -}}
{{ include "igp.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "igp.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}

{{- define "igp.secretsMounted" -}}{{ if ne .Values.secrets.provider "none" }}true{{ end }}{{- end -}}
