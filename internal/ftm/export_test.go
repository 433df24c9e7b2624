package ftm

// The codes the mapping emits, for the test that they agree with the model.
var (
	Countries = countries
	Languages = languages
)
