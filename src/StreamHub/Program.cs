var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

var app = builder.Build();
app.Run();

/// <summary>The entry point, public so tests can name the assembly.</summary>
public partial class Program;
