print("callwarden")
