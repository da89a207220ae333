"""What tests share: the people (`people`), the roles a test may ask for (`cast`) and one town
built through the services (`worlds`). A plain package, not an app: any app's tests import it.
"""
