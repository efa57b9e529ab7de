# train operation
import json

print("train")
