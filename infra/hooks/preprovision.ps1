# azd runs this before every `azd provision` / `azd up` on Windows, with the environment's values (azd env get-values)
# set. With VNET_ENABLED=true the app's subnet is delegated to Microsoft.App/environments, which ARM refuses until the
# subscription has registered the Microsoft.App resource provider (Flex Consumption, "Considerations": VNet integration).
$ErrorActionPreference = 'Stop'

if ("$env:VNET_ENABLED".ToLowerInvariant() -ne 'true') {
    exit 0
}

$arguments = @('--namespace', 'Microsoft.App')
if ($env:AZURE_SUBSCRIPTION_ID) {
    $arguments += @('--subscription', $env:AZURE_SUBSCRIPTION_ID)
}

$state = az provider show @arguments --query registrationState --output tsv
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
if ($state -eq 'Registered') {
    Write-Host 'Microsoft.App is registered: the VNet''s app subnet can be delegated to it.'
    exit 0
}

Write-Host "VNET_ENABLED=true: registering the Microsoft.App resource provider (state: $state); this takes a minute or two."
az provider register @arguments --wait
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host 'Microsoft.App is registered.'
