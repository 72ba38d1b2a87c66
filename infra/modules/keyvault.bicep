// The vault for the five Sinch secrets. RBAC only (no access policies), soft delete, purge protection as chosen.
// Secret values are written only when given (docs/deployment.md): through ARM, so a vault without a public endpoint
// gets them as well; otherwise an operator sets them with `az keyvault secret set`.
param name string
param location string
param tags object
param purgeProtection bool
@description('Log Analytics workspace for the audit trail: who read or changed which secret, when.')
param workspaceId string
@description('False with network isolation: reachable only through its private endpoint.')
param publicNetworkAccess bool
@secure()
@description('Secret name → value; an empty value is not written (the vault keeps what it has).')
param secrets object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Off is written as "absent": Azure refuses false on a vault that once had it on.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: publicNetworkAccess ? null : { defaultAction: 'Deny', bypass: 'None' }
  }
}

resource seeded 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in items(secrets): if (!empty(secret.value)) {
  parent: vault
  name: secret.key
  properties: { value: secret.value }
}]

resource audit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
