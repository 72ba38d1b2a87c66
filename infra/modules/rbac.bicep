// Least-privilege data roles for the app's identity, and (dev only) a few for the deploying user. The app's storage
// roles are account-wide on purpose: it creates its tables, the forward queue and the originals container on first use,
// and creating a table is an account-level operation that a table-scoped role cannot grant.
param storageAccountName string
param keyVaultName string
param applicationInsightsName string
param appPrincipalId string
param userPrincipalId string
param userPrincipalType string
param sendQueueName string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// The host keeps keys, locks and the package in blobs; the trigger reads, dead-letters and poisons queue
// messages; the idempotency keys live in a table.
var storageRoles = [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, appPrincipalId, role)
  scope: storage
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource appSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// The deploying user (dev environments only, see grantDeployerAccess): what trying the app needs and no more. Queue
// rights on the send queue and its dead-letter queue only; no blob, table or account-wide rights.
resource sendQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [for queueName in [sendQueueName, '${sendQueueName}-failed']: {
  name: '${storageAccountName}/default/${queueName}'
}]

resource userQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (queueName, i) in [sendQueueName, '${sendQueueName}-failed']: if (!empty(userPrincipalId)) {
  name: guid(sendQueues[i].id, userPrincipalId, roles.storageQueueDataContributor)
  scope: sendQueues[i]
  properties: {
    principalId: userPrincipalId
    principalType: userPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}]

// Officer, not User: the deploying user sets the Sinch secrets after `azd up`.
resource userSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(vault.id, userPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: userPrincipalId
    principalType: userPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}
