"""tender/records"""
