"""The resource library (资源库): approved cases and products, browsed, read and downloaded as
a package. Who sees which resource is `resources.visible`, built on `partners.scope`."""
