// Storage for the Functions host, the deployment package, the send queue (with its poison and dead-letter
// queues) and the idempotency table. No shared keys: every client authenticates with Entra ID.
param name string
param location string
param tags object
param deploymentContainerName string
param sendQueueName string
param idempotencyTableName string
param statusTableName string
@description('Log Analytics workspace for reads, writes and deletes on blobs, queues and tables.')
param workspaceId string
@description('False with network isolation: reachable only through its private endpoints.')
param publicNetworkAccess bool

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// Created here so that the app needs no right to create queues, and nothing is lost to a missing queue.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queueName in [sendQueueName, '${sendQueueName}-poison', '${sendQueueName}-failed']: {
  parent: queueService
  name: queueName
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource idempotencyTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: idempotencyTableName
}

resource statusTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: statusTableName
}

// Who changed or deleted which queue message, table row or blob: the data plane's own log, beside the app's telemetry.
// No StorageRead: this account is also the Functions host's, whose queue trigger polls (a read) every few seconds per
// instance even when idle; logging every poll would cost more ingestion than the app's own telemetry.
var storageLogs = [ { category: 'StorageWrite', enabled: true }, { category: 'StorageDelete', enabled: true } ]

resource blobLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: blobService
  properties: { workspaceId: workspaceId, logs: storageLogs }
}

resource queueLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: queueService
  properties: { workspaceId: workspaceId, logs: storageLogs }
}

resource tableLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: tableService
  properties: { workspaceId: workspaceId, logs: storageLogs }
}

output name string = account.name
output deploymentContainerName string = deploymentContainer.name
output idempotencyTableName string = idempotencyTable.name
output statusTableName string = statusTable.name
