// Alerts an operator needs on day one, as log alerts on Application Insights (the app's own metrics and the host's
// logs) sent to one action group: dead letters, poison messages, a send failure ratio, misconfiguration, function errors.
// The app's counters reach customMetrics as one row per export interval and dimension set, the interval's total in
// value/valueSum (Azure.Monitor.OpenTelemetry.Exporter, MetricDataPoint.cs): valueSum adds up sends, valueCount rows.
// Each query stays inside the small KQL subset that tests/…/Deployment/AlertQueryTests.cs evaluates over such rows.
param namePrefix string
param location string
param tags object
param applicationInsightsName string
@description('Where alerts are e-mailed; empty: the action group has no receiver (add one in the portal).')
param alertEmail string
@description('Share of sends (transient, unconfirmed or misconfigured) above which the failure-ratio alert fires.')
param sendFailureRatioThreshold string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'sender'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [ { name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
}

var rules = [
  {
    name: 'dead-letters'
    description: 'Messages were dead-lettered (<queue>-failed): each has its reason; replay or discard them.'
    severity: 2
    query: 'customMetrics | where name == "conversation_sender.dead_letters" | summarize Count = sum(valueSum)'
  }
  {
    name: 'poison-messages'
    description: 'The Functions host moved messages to <queue>-poison: their next step could not be written (storage down).'
    severity: 1
    query: 'traces | where message has "poison" and message has "Moving message" | summarize Count = count()'
  }
  {
    name: 'send-failure-ratio'
    description: 'Too many sends end transient, unconfirmed or misconfigured (Sinch or Key Vault failing).'
    severity: 2
    query: 'customMetrics | where name == "conversation_sender.sends" | extend outcome = tostring(customDimensions["outcome"]) | summarize total = sum(valueSum), failed = sumif(valueSum, outcome in ("transient", "unconfirmed", "misconfigured")) | where total >= 20 | extend Count = iff(todouble(failed) / total > ${sendFailureRatioThreshold}, 1, 0) | project Count'
  }
  {
    name: 'misconfigured'
    description: 'Sends cannot go out until a setting is fixed (e.g. Sinch refuses the access key, a Key Vault secret is missing).'
    severity: 1
    query: 'customMetrics | where name == "conversation_sender.sends" and tostring(customDimensions["outcome"]) == "misconfigured" | summarize Count = sum(valueSum)'
  }
  {
    name: 'function-errors'
    description: 'Function invocations failed: 5xx answers or unhandled exceptions (the queue trigger retries them). 4xx answers (bad input, callbacks without a valid signature) are the caller\'s problem and do not count.'
    severity: 2
    query: 'requests | where success == false and not(resultCode startswith "4") | summarize Count = count()'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: 'alert-${rule.name}-${namePrefix}'
  location: location
  tags: tags
  properties: {
    displayName: 'ConversationSender: ${rule.name}'
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [ applicationInsights.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Total'
          metricMeasureColumn: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [ actionGroup.id ] }
  }
}]

output actionGroupName string = actionGroup.name
